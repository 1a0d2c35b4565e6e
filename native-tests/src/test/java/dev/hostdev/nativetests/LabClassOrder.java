package dev.hostdev.nativetests;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.ClassOrdererContext;
import org.junit.jupiter.api.ClassDescriptor;

/**
 * The native suite's class order (junit-platform.properties): classes with a lab VM of their own or none first,
 * by name; then the classes that share a lab VM ({@link LabVmExtension#shared}), grouped by machine, so that
 * each shared VM serves its classes one after the other and is stopped as the run ends, not left idle
 * while other classes boot theirs.
 */
public final class LabClassOrder implements ClassOrderer {
    @Override
    public void orderClasses(ClassOrdererContext context) {
        List<String> machines = new ArrayList<>();
        context.getClassDescriptors().forEach(d -> {
            String key = sharedKey(d.getTestClass());
            if (key != null && !machines.contains(key)) {
                machines.add(key);
            }
        });
        context.getClassDescriptors().sort(Comparator
                .comparingInt((ClassDescriptor d) -> {
                    String key = sharedKey(d.getTestClass());
                    return key == null ? -1 : machines.indexOf(key);
                })
                .thenComparing(d -> d.getTestClass().getName()));
    }

    /** The shared machine of a class's static {@link LabVmExtension} field, or null. */
    static String sharedKey(Class<?> testClass) {
        for (Field f : testClass.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == LabVmExtension.class) {
                try {
                    f.setAccessible(true);
                    LabVmExtension lab = (LabVmExtension) f.get(null);
                    return lab == null ? null : lab.sharedKey();
                } catch (ReflectiveOperationException | RuntimeException e) {
                    return null;
                }
            }
        }
        return null;
    }
}
