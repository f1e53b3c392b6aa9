package io.pathprobe.testkit;

/** An end host: a {@link Node} that does not forward. Made by {@link NetLab#host(String)}. */
public final class Host extends Node {
    Host(NetLab lab, String name, int number) {
        super(lab, name, number);
    }
}
