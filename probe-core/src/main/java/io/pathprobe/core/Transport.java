package io.pathprobe.core;

/** The Netty transport an engine runs on. */
public enum Transport {
    /** Linux epoll: socket options such as IP_RECVERR, TCP_INFO and SO_BINDTODEVICE are available. */
    EPOLL,
    /** Java NIO: portable; no native socket options. */
    NIO
}
