package io.pathprobe.icmp.internal;

import java.util.Arrays;

/**
 * The probes in flight on one ICMP lane, in primitive arrays with no object per probe: a probe's key is
 * {@code page << 16 | sequence}, where a page is one echo identifier (raw sockets) or one ping socket (whose
 * identifier the kernel chooses). Per key: send time, a generation counter (a key is reused; the generation tells a
 * late answer to an earlier probe from the current one), the ICMPv4 checksum it was sent with (what an error quoting
 * only 8 bytes can be checked against), state and the owner (the engine's call). About 19 bytes per key; pages of 65,536 keys are added while in-flight probes crowd the table.
 *
 * <p>Keys are handed out round-robin, so a key is reused as late as possible; answered and timed-out probes keep
 * their key ("linger") until it is reused or freed, so a second answer can be told apart as duplicate or late.
 *
 * <p>Not thread-safe: confined to the lane's event loop.
 */
public final class PendingTable {
    public static final int PAGE_BITS = 16;
    public static final int PAGE_SIZE = 1 << PAGE_BITS;

    public static final byte FREE = 0;
    public static final byte PENDING = 1;
    /** Answered by a reply: a further reply is a duplicate. */
    public static final byte ANSWERED = 2;
    /** Ended by the timeout: a reply now is late. */
    public static final byte TIMED_OUT = 3;
    /** Ended otherwise (an ICMP error, a send failure, the engine): further answers are ignored. */
    public static final byte ENDED = 4;

    /** How many keys {@link #allocate} inspects before reporting the table crowded. */
    private static final int SCAN = 16;

    private final int maxPages;
    private long[][] sent = new long[0][];
    private int[][] gen = new int[0][];
    private short[][] check = new short[0][];
    private byte[][] state = new byte[0][];
    private Object[][] owner = new Object[0][];
    private int pages;
    private int cursor;
    private int pending;

    public PendingTable(int maxPages) {
        if (maxPages < 1 || maxPages > PAGE_SIZE) {
            throw new IllegalArgumentException("maxPages must be 1 to 65536, was " + maxPages);
        }
        this.maxPages = maxPages;
    }

    public int pages() {
        return pages;
    }

    public int maxPages() {
        return maxPages;
    }

    /** Probes in state {@link #PENDING}. */
    public int pending() {
        return pending;
    }

    /** Adds a page of keys; returns its index, or -1 at {@link #maxPages()}. */
    public int addPage() {
        if (pages == maxPages) {
            return -1;
        }
        int p = pages;
        sent = Arrays.copyOf(sent, p + 1);
        gen = Arrays.copyOf(gen, p + 1);
        check = Arrays.copyOf(check, p + 1);
        state = Arrays.copyOf(state, p + 1);
        owner = Arrays.copyOf(owner, p + 1);
        sent[p] = new long[PAGE_SIZE];
        gen[p] = new int[PAGE_SIZE];
        check[p] = new short[PAGE_SIZE];
        state[p] = new byte[PAGE_SIZE];
        owner[p] = new Object[PAGE_SIZE];
        pages = p + 1;
        cursor = p << PAGE_BITS; // use the fresh keys first
        return p;
    }

    /**
     * Takes the next key that is not in flight, moving it to {@link #PENDING} with a new generation.
     *
     * @return the key, or -1 when the keys near the cursor are all in flight (add a page, or refuse the probe)
     */
    public int allocate(Object who, long sentNanos) {
        int capacity = pages << PAGE_BITS;
        if (capacity == 0) {
            return -1;
        }
        for (int i = 0; i < SCAN; i++) {
            int k = cursor;
            cursor = k + 1 == capacity ? 0 : k + 1;
            int p = k >>> PAGE_BITS;
            int s = k & (PAGE_SIZE - 1);
            if (state[p][s] != PENDING) {
                state[p][s] = PENDING;
                gen[p][s]++;
                sent[p][s] = sentNanos;
                owner[p][s] = who;
                pending++;
                return k;
            }
        }
        return -1;
    }

    /** Whether {@code key} is a key of this table. */
    public boolean contains(int key) {
        return key >= 0 && (key >>> PAGE_BITS) < pages;
    }

    public byte state(int key) {
        return state[key >>> PAGE_BITS][key & (PAGE_SIZE - 1)];
    }

    public int generation(int key) {
        return gen[key >>> PAGE_BITS][key & (PAGE_SIZE - 1)];
    }

    public long sentNanos(int key) {
        return sent[key >>> PAGE_BITS][key & (PAGE_SIZE - 1)];
    }

    /** Updates the send time once the packet has really left (the batch was flushed). */
    public void setSentNanos(int key, long nanos) {
        sent[key >>> PAGE_BITS][key & (PAGE_SIZE - 1)] = nanos;
    }

    /** The ICMPv4 checksum the probe's request carried (0..65535). */
    public int checksum(int key) {
        return check[key >>> PAGE_BITS][key & (PAGE_SIZE - 1)] & 0xffff;
    }

    public void setChecksum(int key, int checksum) {
        check[key >>> PAGE_BITS][key & (PAGE_SIZE - 1)] = (short) checksum;
    }

    public Object owner(int key) {
        return owner[key >>> PAGE_BITS][key & (PAGE_SIZE - 1)];
    }

    /** Ends a pending probe, keeping its owner so later answers can be reported; a no-op unless pending. */
    public void end(int key, byte newState) {
        int p = key >>> PAGE_BITS;
        int s = key & (PAGE_SIZE - 1);
        if (state[p][s] == PENDING) {
            pending--;
        }
        state[p][s] = newState;
    }

    /** Forgets a key entirely (its linger time is over). */
    public void free(int key) {
        int p = key >>> PAGE_BITS;
        int s = key & (PAGE_SIZE - 1);
        if (state[p][s] == PENDING) {
            pending--;
        }
        state[p][s] = FREE;
        owner[p][s] = null;
    }

    /** Bytes held by the arrays, for reports. */
    public long footprintBytes() {
        return (long) pages * PAGE_SIZE * (8 + 4 + 2 + 1 + 4);
    }
}
