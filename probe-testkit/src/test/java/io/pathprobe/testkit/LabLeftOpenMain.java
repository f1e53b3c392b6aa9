package io.pathprobe.testkit;

/** Run in a child JVM by {@link NetLabCleanupTest}: builds a lab, prints its prefix and exits without close. */
public final class LabLeftOpenMain {
    private LabLeftOpenMain() {
    }

    public static void main(String[] args) {
        NetLab lab = NetLab.create();
        lab.linearPath(1);
        System.out.println(lab.prefix() + " " + lab.listNamespaces().size());
        System.out.flush();
        System.exit(0); // the shutdown hook must delete the namespaces
    }
}
