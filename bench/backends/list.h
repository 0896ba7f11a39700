/* One line per backend, in `list` order. */
SB_BACKEND(sb_backend_none)
SB_BACKEND(sb_backend_fanotify_user)
SB_BACKEND(sb_backend_fanotify_dirmarks)
SB_BACKEND(sb_backend_fanotify_kmod)
SB_BACKEND(sb_backend_fanotify_bpf)
SB_BACKEND(sb_backend_bpf_lsm)
SB_BACKEND(sb_backend_bpf_fentry)
SB_BACKEND(sb_backend_inotify)
