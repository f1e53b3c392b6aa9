package io.pathprobe.core.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

/**
 * The probes a prober times out itself ({@link Prober#handlesTimeouts()}), in deadline order, without a timer each:
 * probes with the same timeout go into one queue in the order they are sent, so each queue is already sorted by
 * deadline and adding and expiring cost O(1); a sweep ({@link SweepTimer}) looks only at queue heads. A probe that
 * ends otherwise stays queued until it reaches the head, where {@link #expire} drops it, so ending one costs nothing
 * here. An item whose deadline is earlier than the last one of its queue (a probe started again, with its first
 * start's deadline) is placed in order from the back.
 *
 * <p>Not thread-safe: every call on the one loop its prober runs on. {@link #expire}'s callback may add to the queue.
 *
 * @param <T> the prober's record of one probe in flight
 */
public final class DeadlineQueue<T> {
    private final ToLongFunction<? super T> deadline;
    /** One per timeout in use; nearly always one. */
    private final List<Fifo> fifos = new ArrayList<>(2);

    /** @param deadline an item's deadline, a {@link System#nanoTime()} value; fixed for as long as it is queued */
    public DeadlineQueue(ToLongFunction<? super T> deadline) {
        this.deadline = Objects.requireNonNull(deadline, "deadline");
    }

    /** Queues {@code item}, whose deadline lies {@code timeoutNanos} after its start. */
    public void add(T item, long timeoutNanos) {
        Objects.requireNonNull(item, "item");
        for (int i = 0, n = fifos.size(); i < n; i++) {
            Fifo f = fifos.get(i);
            if (f.timeoutNanos == timeoutNanos) {
                f.add(item);
                return;
            }
        }
        Fifo f = new Fifo(timeoutNanos);
        fifos.add(f);
        f.add(item);
    }

    /**
     * Passes to {@code timedOut} every item still {@code live} whose deadline is at or before {@code now}, each
     * taken off the queue first, and drops the items no longer live that it meets on the way.
     *
     * @return the earliest deadline of a live item left, or {@link Long#MAX_VALUE} when none is left
     */
    public long expire(long now, Predicate<? super T> live, Consumer<? super T> timedOut) {
        long next = Long.MAX_VALUE;
        for (int i = 0; i < fifos.size(); i++) { // by index: the callback may add a queue
            Fifo f = fifos.get(i);
            while (f.size > 0) {
                T head = f.peek();
                if (!live.test(head)) {
                    f.poll();
                    continue;
                }
                long due = deadline.applyAsLong(head);
                if (due - now > 0) {
                    next = Math.min(next, due);
                    break;
                }
                f.poll();
                timedOut.accept(head);
            }
        }
        for (int i = fifos.size() - 1; i >= 0; i--) {
            if (fifos.get(i).size == 0) {
                fifos.remove(i);
            }
        }
        return next;
    }

    /** Items queued, live or not yet dropped. */
    public int size() {
        int n = 0;
        for (Fifo f : fifos) {
            n += f.size;
        }
        return n;
    }

    /** Drops every item (the prober closing). */
    public void clear() {
        fifos.clear();
    }

    /** A growable circular queue, its items in deadline order. */
    private final class Fifo {
        final long timeoutNanos;
        Object[] items = new Object[16];
        int head;
        int size;

        Fifo(long timeoutNanos) {
            this.timeoutNanos = timeoutNanos;
        }

        @SuppressWarnings("unchecked")
        T at(int i) {
            return (T) items[(head + i) & (items.length - 1)];
        }

        T peek() {
            return at(0);
        }

        void poll() {
            items[head] = null;
            head = (head + 1) & (items.length - 1);
            if (--size == 0) {
                head = 0;
                if (items.length > 4096) {
                    items = new Object[16]; // give memory back after a burst
                }
            }
        }

        void add(T item) {
            if (size == items.length) {
                Object[] grown = new Object[items.length * 2];
                for (int i = 0; i < size; i++) {
                    grown[i] = at(i);
                }
                items = grown;
                head = 0;
            }
            long due = deadline.applyAsLong(item);
            int i = size;
            // from the back: nearly always the item goes last at once
            while (i > 0 && deadline.applyAsLong(at(i - 1)) - due > 0) {
                items[(head + i) & (items.length - 1)] = at(i - 1);
                i--;
            }
            items[(head + i) & (items.length - 1)] = item;
            size++;
        }
    }
}
