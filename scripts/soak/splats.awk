# A kernel log on stdin -> its splats, as tab-separated lines "N<TAB>LINE":
# the first lines (the matching one and the 5 after it) of splat N.
#   awk -v re="$SPLAT_ERE" -f scripts/soak/splats.awk
# A matching line starts a splat, but a backtrace ("Call Trace") within 60
# lines of a splat's start is part of that splat, not one of its own.
BEGIN { n = 0; start = -1000; left = 0 }
{
	if ($0 ~ re && !($0 ~ /Call Trace/ && NR - start <= 60)) {
		n++
		start = NR
		left = 6
	}
	if (left > 0) {
		printf "%d\t%s\n", n, $0
		left--
	}
}
