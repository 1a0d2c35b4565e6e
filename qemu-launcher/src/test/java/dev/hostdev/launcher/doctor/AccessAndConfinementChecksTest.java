package dev.hostdev.launcher.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.testing.SysfsTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessAndConfinementChecksTest {
    @TempDir
    Path tmp;

    @AfterEach
    void removeLinksOutOfTheTree() {
        FakeHost.removeOutwardLinks(tmp);
    }

    /** A group node owned by the test's own user, so the owner's uid is whatever the test runs as. */
    private FakeHost groupNode(String group, String perms) throws IOException {
        FakeHost h = new FakeHost(tmp).file("/dev/vfio/" + group, "").charDevice("/dev/vfio/vfio");
        Files.setPosixFilePermissions(tmp.resolve("dev/vfio/" + group), PosixFilePermissions.fromString(perms));
        return h;
    }

    private int ownerUid(String group) throws IOException {
        return (Integer) Files.getAttribute(tmp.resolve("dev/vfio/" + group), "unix:uid");
    }

    @Test
    void noGroupNodesIsNotApplicable() {
        CheckResult r = new VfioGroupAccessCheck(List.of()).run(new FakeHost(tmp).charDevice("/dev/vfio/vfio").context());
        assertEquals(CheckStatus.NOT_APPLICABLE, r.status());
    }

    @Test
    void ownerWithReadWriteIsOk() throws IOException {
        FakeHost h = groupNode("7", "rw-------");
        HostUser owner = new HostUser("qemu", ownerUid("7"), Set.of(12345));
        CheckResult r = new VfioGroupAccessCheck(List.of()).run(h.context().withUser(owner));
        assertEquals(CheckStatus.OK, r.status());
        assertTrue(r.found().contains("/dev/vfio/7 rw-------"), r.found());
    }

    @Test
    void otherUserWithoutPermissionFailsWithChownAndUdevRule() throws IOException {
        FakeHost h = groupNode("7", "rw-------");
        HostUser stranger = new HostUser("qemu", ownerUid("7") + 4242, Set.of(ownerUid("7") + 4242));
        CheckResult r = new VfioGroupAccessCheck(List.of()).run(h.context().withUser(stranger));
        assertEquals(CheckStatus.FAIL, r.status());
        assertTrue(r.fix().startsWith("chown qemu /dev/vfio/7"), r.fix());
        assertTrue(r.fix().contains("SUBSYSTEM==\"vfio\", OWNER=\"qemu\""), r.fix());
    }

    @Test
    void groupMembershipGrantsAccess() throws IOException {
        FakeHost h = groupNode("7", "rw-rw----");
        int gid = (Integer) Files.getAttribute(tmp.resolve("dev/vfio/7"), "unix:gid");
        HostUser member = new HostUser("qemu", ownerUid("7") + 4242, Set.of(gid));
        assertEquals(CheckStatus.OK, new VfioGroupAccessCheck(List.of()).run(h.context().withUser(member)).status());
    }

    @Test
    void rootCanOpenAnything() throws IOException {
        FakeHost h = groupNode("7", "---------");
        assertEquals(CheckStatus.OK, new VfioGroupAccessCheck(List.of())
                .run(h.context().withUser(new HostUser("root", 0, Set.of(0)))).status());
    }

    @Test
    void namedDeviceWhoseNodeIsAbsentWarnsToDetachIt() {
        SysfsTree.create(tmp).pci("0000:03:00.0").klass(0x020000).driver("e1000e").iommuGroup(12).add();
        FakeHost h = new FakeHost(tmp);
        CheckResult r = new VfioGroupAccessCheck(List.of(PciAddress.parse("03:00.0")))
                .run(h.context().withUser(new HostUser("root", 0, Set.of(0))));
        assertEquals(CheckStatus.WARN, r.status());
        assertTrue(r.found().startsWith("/dev/vfio/12 absent"), r.found());
    }

    @Test
    void usersAreLookedUpInTheRootsPasswdAndGroup() {
        FakeHost h = new FakeHost(tmp)
                .file("/etc/passwd", "root:x:0:0:root:/root:/bin/bash\nqemu:x:64055:64055::/nonexistent:/usr/sbin/nologin\n")
                .file("/etc/group", "root:x:0:\nkvm:x:104:qemu,alice\nqemu:x:64055:\n");
        HostUser u = HostUser.lookup(h.context().files(), "qemu").orElseThrow();
        assertEquals(64055, u.uid());
        assertEquals(Set.of(64055, 104), u.gids());
        assertEquals("kvm", HostUser.groupName(h.context().files(), 104));
        assertTrue(HostUser.lookup(h.context().files(), "nobody").isEmpty());
    }

    @Test
    void selinuxAbsentIsNotApplicable() {
        assertEquals(CheckStatus.NOT_APPLICABLE, new SelinuxCheck().run(new FakeHost(tmp).context()).status());
    }

    @Test
    void selinuxPermissiveIsOk() {
        FakeHost h = new FakeHost(tmp).file("/sys/fs/selinux/enforce", "0");
        assertEquals(CheckStatus.OK, new SelinuxCheck().run(h.context()).status());
    }

    @Test
    void selinuxEnforcingWithVirtUseSysfsOffWarnsWithSetsebool() {
        FakeHost h = new FakeHost(tmp).file("/sys/fs/selinux/enforce", "1")
                .file("/sys/fs/selinux/booleans/virt_use_sysfs", "0 0");
        CheckResult r = new SelinuxCheck().run(h.context());
        assertEquals(CheckStatus.WARN, r.status());
        assertEquals("setsebool -P virt_use_sysfs 1", r.fix());
    }

    @Test
    void selinuxEnforcingWithVirtUseSysfsOnIsOk() {
        FakeHost h = new FakeHost(tmp).file("/sys/fs/selinux/enforce", "1")
                .file("/sys/fs/selinux/booleans/virt_use_sysfs", "1 1");
        assertEquals(CheckStatus.OK, new SelinuxCheck().run(h.context()).status());
    }

    @Test
    void selinuxEnforcingWithoutTheBooleanIsOk() {
        FakeHost h = new FakeHost(tmp).file("/sys/fs/selinux/enforce", "1");
        CheckResult r = new SelinuxCheck().run(h.context());
        assertEquals(CheckStatus.OK, r.status());
        assertTrue(r.found().contains("no virt_use_sysfs"), r.found());
    }

    @Test
    void permissionBitsAreReadAsTheKernelDoesOwnerThenGroupThenOthers() {
        FileOwnership node = new FileOwnership(1000, 104, 0460, true);
        assertEquals(false, node.readWritableBy(new HostUser("owner", 1000, Set.of(104))),
                "the owner's bits decide for the owner even when the group's would allow");
        assertEquals(true, node.readWritableBy(new HostUser("member", 1001, Set.of(104))));
        assertEquals(false, node.readWritableBy(new HostUser("other", 1002, Set.of(1002))));
        assertEquals(true, node.readWritableBy(new HostUser("root", 0, Set.of(0))));
        assertEquals("r--rw----", node.symbolic());
    }

    @Test
    void apparmorAbsentIsNotApplicable() {
        assertEquals(CheckStatus.NOT_APPLICABLE, new AppArmorCheck().run(new FakeHost(tmp).context()).status());
    }

    @Test
    void apparmorWithoutQemuProfilesIsOk() {
        FakeHost h = new FakeHost(tmp).file("/sys/kernel/security/apparmor/profiles",
                "/usr/sbin/cupsd (enforce)\n/usr/bin/man (enforce)\n");
        assertEquals(CheckStatus.OK, new AppArmorCheck().run(h.context()).status());
    }

    @Test
    void apparmorEnforcingLibvirtProfilesWarn() {
        FakeHost h = new FakeHost(tmp).file("/sys/kernel/security/apparmor/profiles",
                "/usr/sbin/libvirtd (enforce)\nlibvirt-5f1c0a (enforce)\n/usr/bin/qemu-system-x86_64 (complain)\n");
        CheckResult r = new AppArmorCheck().run(h.context());
        assertEquals(CheckStatus.WARN, r.status());
        assertTrue(r.found().endsWith("/usr/sbin/libvirtd, libvirt-5f1c0a"), "complain-mode profiles are not listed: "
                + r.found());
    }
}
