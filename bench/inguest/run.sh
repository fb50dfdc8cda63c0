#!/bin/sh
# bench/inguest/run.sh -- the workloads of bench/guest, run inside the guest by
# busybox ash from the bench initramfs (as /bench/run.sh):
#
#     sh /bench/run.sh quick|full [NAME...]
#
# NAMEs: md5sum gzip bzip2 awk forkexec subst syscall fib cpu (default: all).
# The sizes come from /bench/sizes-quick or /bench/sizes-full, which
# bench/guest writes.  Each workload is timed here, with the guest's clock
# ($EPOCHREALTIME), around the program alone, and reported as one line
#     BENCH NAME MICROSECONDS INFO
# where INFO is what the workload computed (a checksum, a size, a count):
# the same on every engine, or something ran wrong.  A failed command gives
#     BENCH NAME FAIL STATUS
# and the last line is "BENCH end 0 done".  The bash workloads are in
# /bench/loops.bash, which prints its own lines; /bench/cpubench too.

mode=$1
shift
. "/bench/sizes-$mode" || exit 1
names=" $* "

want() {
	[ "$names" = "  " ] && return 0
	case "$names" in *" $1 "*) return 0 ;; esac
	return 1
}

# report NAME T0 T1 INFO: T0 and T1 are $EPOCHREALTIME values (s.uuuuuu)
report() {
	a=${2%.*}${2#*.}
	b=${3%.*}${3#*.}
	echo "BENCH $1 $((b - a)) $4"
}

fail() {
	echo "BENCH $1 FAIL $2"
}

# The sums of a file, for INFO: busybox md5sum, size in bytes.
sum() {
	set -- "$1" $(md5sum "$1")
	echo "$2:$(wc -c <"$1")"
}

cd /tmp || exit 1

if want md5sum || want gzip || want bzip2; then
	t0=$EPOCHREALTIME
	if /bench/cpubench gen "$DATA_BYTES" >/tmp/data; then
		report gen "$t0" "$EPOCHREALTIME" "$(sum /tmp/data)"
	else
		fail gen $?
	fi
fi

if want md5sum; then
	t0=$EPOCHREALTIME
	if md5sum /tmp/data >/tmp/md5.out; then
		t1=$EPOCHREALTIME
		read -r s _ </tmp/md5.out
		report md5sum "$t0" "$t1" "$s"
	else
		fail md5sum $?
	fi
fi

if want gzip; then
	t0=$EPOCHREALTIME
	if gzip -9 -c /tmp/data >/tmp/data.gz; then
		report gzip "$t0" "$EPOCHREALTIME" "$(sum /tmp/data.gz)"
	else
		fail gzip $?
	fi
	rm -f /tmp/data.gz
fi

if want bzip2; then
	t0=$EPOCHREALTIME
	if bzip2 -9 -c /tmp/data >/tmp/data.bz2; then
		report bzip2 "$t0" "$EPOCHREALTIME" "$(sum /tmp/data.bz2)"
	else
		fail bzip2 $?
	fi
	rm -f /tmp/data.bz2
fi
rm -f /tmp/data

# Double precision through busybox awk's interpreter (Debian's busybox has
# no libm in awk: no sin or sqrt, so the arithmetic is spelled out): a
# quadrature sum, Newton's square root, the Leibniz series for pi.
if want awk; then
	t0=$EPOCHREALTIME
	if awk -v n="$AWK_N" 'BEGIN {
		s = 0; r = 1; p = 0
		for (i = 1; i <= n; i++) {
			t = i / 7
			s += 1 / (t * t + 1)
			for (k = 0; k < 3; k++)
				r = (r + t / r) / 2
			p += (i % 2 ? 4 : -4) / (2 * i - 1)
		}
		printf "%.12g/%.12g/%.12g\n", s, r, p
	}' >/tmp/awk.out; then
		t1=$EPOCHREALTIME
		read -r s </tmp/awk.out
		report awk "$t0" "$t1" "$s"
	else
		fail awk $?
	fi
fi

# fork + exec of a static binary (busybox): /bin/true by its path, so ash
# neither runs it as a builtin nor as an applet in the shell's own process.
if want forkexec; then
	t0=$EPOCHREALTIME
	i=0
	while [ $i -lt "$FORK_N" ]; do
		/bin/true || break
		i=$((i + 1))
	done
	report forkexec "$t0" "$EPOCHREALTIME" "$i"
fi

for w in subst syscall fib; do
	if want $w; then
		case $w in
		subst) n=$SUBST_N ;;
		syscall) n=$SYSCALL_N ;;
		fib) n=$FIB_N ;;
		esac
		bash /bench/loops.bash $w "$n" || fail $w $?
	fi
done

if want cpu; then
	/bench/cpubench -s "$CPU_SCALE" || fail cpu $?
fi

echo "BENCH end 0 done"
