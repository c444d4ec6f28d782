#!/bin/sh
# make-mini-rootfs.sh DIR [ELF-or-library ...]
#
# Builds a tiny root filesystem in DIR: busybox (static) for a shell and basic tools, the host's
# glibc loader and libraries, and the shared-library closure of every ELF file given. It lets us
# make base images without any container registry (none is reachable on our build machines).
set -eu
dir=$1; shift
rm -rf "$dir"
mkdir -p "$dir/bin" "$dir/etc" "$dir/tmp" "$dir/lib64" "$dir/usr/lib/x86_64-linux-gnu" \
         "$dir/root" "$dir/proc" "$dir/sys" "$dir/dev" "$dir/home/nonroot"
chmod 1777 "$dir/tmp"
ln -s usr/lib "$dir/lib"

busybox=$(command -v busybox)
cp "$busybox" "$dir/bin/busybox"
for applet in $("$dir/bin/busybox" --list); do
  [ -e "$dir/bin/$applet" ] || ln -s busybox "$dir/bin/$applet"
done

# uid 65532 is the conventional "nonroot" user of minimal images; our images run as it.
cat > "$dir/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
nonroot:x:65532:65532:nonroot:/home/nonroot:/bin/false
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PASSWD
printf 'root:x:0:\nnonroot:x:65532:\nnogroup:x:65534:\n' > "$dir/etc/group"
printf 'passwd: files\ngroup: files\nhosts: files dns\n' > "$dir/etc/nsswitch.conf"
chown 65532:65532 "$dir/home/nonroot"

libs_of() {
  for f in "$@"; do
    case "$f" in /lib/*|/usr/lib/*) echo "$f" ;; esac
    ldd "$f" 2>/dev/null | awk '/=>/ {print $3} /^[[:space:]]*\/lib/ {print $1}'
  done | grep -E '^/(usr/)?lib(64)?/' | sort -u
}

base_libs="/lib64/ld-linux-x86-64.so.2 /lib/x86_64-linux-gnu/libc.so.6 /lib/x86_64-linux-gnu/libm.so.6
/lib/x86_64-linux-gnu/libgcc_s.so.1 /lib/x86_64-linux-gnu/libnss_files.so.2
/lib/x86_64-linux-gnu/libnss_dns.so.2 /lib/x86_64-linux-gnu/libresolv.so.2"
for lib in $(libs_of "$@") $base_libs; do
  [ -e "$lib" ] || continue
  case "$lib" in
    /lib64/*) cp -L "$lib" "$dir/lib64/" ;;
    *) cp -L "$lib" "$dir/usr/lib/x86_64-linux-gnu/" ;;
  esac
done
