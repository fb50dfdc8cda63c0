# bench/inguest/loops.bash -- the bash workloads of bench/guest, run in the
# guest as  bash /bench/loops.bash NAME N ; prints  BENCH NAME MICROSECONDS INFO
# (see run.sh), timed with bash's $EPOCHREALTIME around the loop alone, so
# bash's own start (the dynamic loader, libc) is not counted.
#
#   subst N     N command substitutions $(:): a fork and a wait each, no exec
#   syscall N   N iterations of  [ -e /tmp ]; echo "$i"  with stdout on a
#               tmpfs file: exactly two system calls an iteration, both
#               builtins (newfstatat: a path from user memory, a struct stat
#               back to it; write: a few bytes copied into the page cache).
#               Counted with strace -c on the host's bash 5.2: 2 per
#               iteration, no more.  (`read` would be 5: rt_sigprocmask,
#               ioctl, read, lseek... and /dev/null writes copy nothing.)
#   fib N       the recursive Fibonacci function, fib(N): bash function
#               calls, local variables, arithmetic

name=$1 n=$2

report() {
	local a=${1/./} b=${2/./}
	echo "BENCH $name $((10#$b - 10#$a)) $3"
}

fib() {
	if (($1 < 2)); then
		R=$1
		return
	fi
	fib $(($1 - 1))
	local a=$R
	fib $(($1 - 2))
	R=$((a + R))
}

case $name in
subst)
	t0=$EPOCHREALTIME
	for ((i = 0; i < n; i++)); do
		x=$(:)
	done
	report "$t0" "$EPOCHREALTIME" "$i"
	;;
syscall)
	t0=$EPOCHREALTIME
	for ((i = 0; i < n; i++)); do
		[ -e /tmp ]
		echo "$i"
	done >/tmp/syscall.out
	t1=$EPOCHREALTIME
	lines=$(wc -l </tmp/syscall.out)
	rm -f /tmp/syscall.out
	report "$t0" "$t1" "$lines"
	;;
fib)
	t0=$EPOCHREALTIME
	fib "$n"
	report "$t0" "$EPOCHREALTIME" "$R"
	;;
*)
	echo "loops.bash: unknown workload $name" >&2
	exit 2
	;;
esac
