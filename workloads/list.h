/* One line per workload, in `list` order. */
SB_WORKLOAD(sb_wl_open_close)
SB_WORKLOAD(sb_wl_create_unlink)
SB_WORKLOAD(sb_wl_mkdir_rmdir)
SB_WORKLOAD(sb_wl_rename)
SB_WORKLOAD(sb_wl_mkdir_tree)
SB_WORKLOAD(sb_wl_rename_storm)
SB_WORKLOAD(sb_wl_outside_fs)
