#!/bin/busybox sh
# PID 1 of the lab VM (runs from the initramfs Hostdev builds; see LabInitramfs and LabVm).
# Loads the 9p modules, mounts the host's / read-only at /newroot with tmpfs for the writable
# directories, then serves commands the host drops into the exchange share:
#   N.timeout (seconds), N.sh  ->  N.out, N.err, N.rc (written last)
# Commands run chrooted into /newroot, as root. A file "poweroff" (or no command for the idle limit)
# powers the VM off.
/bin/busybox mkdir -p /bin /proc /sys /dev /newroot /x
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
log() { echo "lab-init: $*" > /dev/console; }
for m in $(cat /modules.order); do
  insmod "/modules/$m" || log "insmod $m failed"
done
opts=trans=virtio,version=9p2000.L,msize=512000
mount -t 9p -o "$opts,ro,cache=loose" hostroot /newroot || { log "cannot mount the host's / over 9p"; poweroff -f; }
mount -t 9p -o "$opts" exchange /x || { log "cannot mount the exchange share"; poweroff -f; }
# A second view of the host's / that the tmpfs mounts below do not cover.
mkdir -p /hostview
mount --bind /newroot /hostview
mount -t proc proc /newroot/proc
mount -t sysfs sysfs /newroot/sys
mount -t devtmpfs devtmpfs /newroot/dev
mkdir -p /newroot/dev/pts /newroot/dev/shm
mount -t devpts devpts /newroot/dev/pts
mount -t tmpfs tmpfs /newroot/dev/shm
for d in tmp run var/tmp var/lock; do
  [ -d "/newroot/$d" ] && [ ! -L "/newroot/$d" ] && mount -t tmpfs tmpfs "/newroot/$d"
done
# The host directories Hostdev's code runs from (keep_paths, one a line): where a tmpfs above hides
# one (a checkout under /tmp, say), bind it back from the host's view at the same path.
if [ -f /x/keep_paths ]; then
  while IFS= read -r p; do
    [ -n "$p" ] && [ -d "/hostview$p" ] && [ ! -d "/newroot$p" ] || continue
    mkdir -p "/newroot$p" && mount --bind "/hostview$p" "/newroot$p" || log "cannot show $p to the guest"
  done < /x/keep_paths
fi
mkdir -p /newroot/run/lab /newroot/tmp/home
mount --bind /x /newroot/run/lab
idle_limit=600
guest_path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
[ -f /x/config ] && . /x/config
uname -r > /x/ready.tmp && mv /x/ready.tmp /x/ready
log "ready"
n=1
idle=0
while :; do
  if [ -e "/x/$n.sh" ]; then
    t=$(cat "/x/$n.timeout" 2>/dev/null || echo 600)
    timeout -s KILL "$t" chroot /newroot /usr/bin/env -i \
      PATH="$guest_path" HOME=/tmp/home LANG=C.UTF-8 TERM=dumb \
      /bin/sh "/run/lab/$n.sh" < /dev/null > "/x/$n.out" 2> "/x/$n.err"
    echo $? > "/x/$n.rc.tmp" && mv "/x/$n.rc.tmp" "/x/$n.rc"
    n=$((n + 1))
    idle=0
  elif [ -e /x/poweroff ]; then
    break
  else
    sleep 0.1
    idle=$((idle + 1))
    if [ "$idle" -ge $((idle_limit * 10)) ]; then
      log "no command for ${idle_limit}s: powering off"
      break
    fi
  fi
done
log "powering off"
sync
poweroff -f
