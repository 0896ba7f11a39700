# shellcheck shell=sh
# What makes a kernel log line part of a splat (BUG, WARNING, KASAN, UBSAN,
# lockdep, RCU, kmemleak, any backtrace): one extended regular expression,
# sourced by tests/kernel/guest.sh and scripts/soak.sh so both judge a log
# the same way.
SPLAT_ERE='BUG:|WARNING:|KASAN|UBSAN|possible (recursive |circular )?locking|suspicious RCU|kmemleak:.*leak|Call Trace'
