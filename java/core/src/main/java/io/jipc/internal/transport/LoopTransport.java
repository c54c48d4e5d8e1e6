package io.jipc.internal.transport;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What every single-threaded transport shares, whatever it polls with (a JDK {@code Selector} or native epoll): the
 * I/O thread, its task queue with at most one wakeup per turn, timers, the end-of-turn flush queue, and shutdown.
 *
 * <p>Each loop turn: {@link #poll} (without blocking when tasks wait), run queued tasks, run due timers, then flush
 * every channel that was written to during the turn. Writes from other threads enqueue and wake the poller at most
 * once per turn.
 *
 * <p>With busy polling on, a turn that would block first polls without blocking, again and again, until something is
 * ready, a task is queued, a timer is due or the busy-poll time has passed; only then does it block. Other threads'
 * tasks are seen without a wakeup while it spins.
 */
public abstract class LoopTransport implements IoLoop, Runnable {
    private static final System.Logger LOG = System.getLogger("io.jipc.transport");
    private static final AtomicLong THREAD_IDS = new AtomicLong();

    private final Thread thread;
    private final boolean silent;
    private final long busyPollNanos;
    /** Turns whose events were found by busy polling (I/O thread writes; read by tests). */
    private volatile long busyPollHits;
    /** Times the loop blocked in {@link #poll} (I/O thread writes; read by tests). */
    private volatile long blockingPolls;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean wakeupArmed = new AtomicBoolean();
    /** What is open on this loop, each added once registered and removed once closed; I/O thread only. */
    protected final Set<Listener> listeners = new HashSet<>();
    /** Stream channels open on this loop (see {@link #listeners}). */
    protected final Set<LoopChannel> channels = new HashSet<>();
    /** Datagram endpoints open on this loop (see {@link #listeners}). */
    protected final Set<DatagramEndpoint> datagrams = new HashSet<>();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    private final ArrayDeque<Flushable> flushQueue = new ArrayDeque<>();
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    /** Set once {@link #close} was called: no new sockets; the loop ends once everything is closed. */
    protected volatile boolean shuttingDown;
    private long timerSeq;

    /**
     * @param name thread name prefix
     * @param silent true to suppress log output
     * @param busyPollNanos how long a turn polls without blocking before it waits (0: never)
     */
    protected LoopTransport(String name, boolean silent, long busyPollNanos) {
        this.silent = silent;
        this.busyPollNanos = Math.max(0, busyPollNanos);
        this.thread = new Thread(this, name + "-" + THREAD_IDS.incrementAndGet());
    }

    /** Starts the I/O thread (once, after construction). */
    protected final void startThread() {
        thread.start();
    }

    /**
     * Waits for readiness and handles what is ready.
     *
     * @param timeoutMs 0: do not block; -1: until woken; else at most this long
     * @return true when something was ready (and handled)
     * @throws IOException when polling itself fails (ends the loop)
     */
    protected abstract boolean poll(long timeoutMs) throws IOException;

    /** Interrupts a blocked {@link #poll} from another thread. */
    protected abstract void wakeup();

    /** Closes every listener, channel and datagram endpoint (on the I/O thread, at shutdown). */
    private void closeAll() {
        for (Listener l : new ArrayList<>(listeners)) {
            l.close();
        }
        for (LoopChannel c : new ArrayList<>(channels)) {
            c.close(null);
        }
        for (DatagramEndpoint d : new ArrayList<>(datagrams)) {
            d.close();
        }
    }

    /** @return true when no socket is left open */
    private boolean isIdle() {
        return channels.isEmpty() && listeners.isEmpty() && datagrams.isEmpty();
    }

    /** Releases the poller (on the I/O thread, as the loop ends). */
    protected abstract void releaseLoop();

    @Override
    public final boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    @Override
    public final void execute(Runnable task) {
        tasks.add(task);
        if (wakeupArmed.getAndSet(false)) {
            wakeup();
        }
    }

    @Override
    public final Cancellable schedule(Runnable task, long delay, TimeUnit unit) {
        Timer t = new Timer(System.nanoTime() + unit.toNanos(delay), task);
        if (inLoop()) {
            t.seq = timerSeq++;
            timers.add(t);
        } else {
            execute(() -> {
                t.seq = timerSeq++;
                timers.add(t);
            });
        }
        return t;
    }

    /**
     * Runs a task on the I/O thread and waits for it (runs it directly when already there).
     *
     * @param task the task
     * @throws IOException when the loop is shut down, does not answer, or the task threw
     */
    protected final void runAndWait(Runnable task) throws IOException {
        if (inLoop()) {
            task.run();
            return;
        }
        if (shuttingDown) {
            throw new IOException("the jipc I/O thread is shut down");
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        execute(() -> {
            try {
                task.run();
                done.complete(null);
            } catch (Throwable t) {
                done.completeExceptionally(t);
            }
        });
        try {
            done.get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException(e.getCause().getMessage(), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IOException("the jipc I/O thread did not answer within 30 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the jipc I/O thread", e);
        }
    }

    @Override
    public final void close() {
        if (!shuttingDown) {
            shuttingDown = true;
            execute(this::closeAll);
        }
        if (!inLoop()) {
            try {
                terminated.get(30, TimeUnit.SECONDS);
                // the loop completes 'terminated' just before its thread ends: wait for the end too, so that no
                // jipc thread is alive once close() returns
                thread.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                log(System.Logger.Level.WARNING, "jipc I/O thread did not stop within 30 s");
            }
        }
    }

    @Override
    public final void run() {
        try {
            while (true) {
                long timeoutMs = nextTimerDelayMs();
                boolean spun = timeoutMs != 0 && busyPollNanos > 0;
                if (!spun || !busyPoll()) {
                    if (spun) {
                        timeoutMs = nextTimerDelayMs(); // the spin took time off the next timer's delay
                    }
                    wakeupArmed.set(true);
                    if (!tasks.isEmpty() || shuttingDown) {
                        wakeupArmed.set(false);
                        poll(0);
                    } else {
                        blockingPolls++;
                        poll(timeoutMs < 0 ? -1 : Math.max(1, timeoutMs));
                    }
                    wakeupArmed.set(false);
                }
                runTasks();
                runTimers();
                flushAll();
                if (shuttingDown && tasks.isEmpty() && isIdle()) {
                    break;
                }
            }
        } catch (Throwable t) {
            log(System.Logger.Level.ERROR, "jipc I/O thread failed: " + t);
        } finally {
            releaseLoop();
            terminated.complete(null);
        }
    }

    /**
     * Polls without blocking until something is ready, a task is queued, the next timer is due or the busy-poll
     * time is over. The wakeup stays disarmed: writers on other threads only enqueue, and this sees their tasks.
     *
     * @return true when events were handled; false when the turn goes on the usual way (tasks queued, shutting down:
     *     it polls without blocking; nothing happened: it blocks)
     */
    private boolean busyPoll() throws IOException {
        long start = System.nanoTime();
        long end = start + busyPollNanos;
        Timer next = timers.peek();
        if (next != null && next.deadline - end < 0) {
            end = next.deadline;
        }
        do {
            if (!tasks.isEmpty() || shuttingDown) {
                return false;
            }
            if (poll(0)) {
                busyPollHits++;
                return true;
            }
            Thread.onSpinWait();
        } while (System.nanoTime() - end < 0);
        return false;
    }

    /** @return turns whose events busy polling found (for tests) */
    public final long busyPollHits() {
        return busyPollHits;
    }

    /** @return how many times the loop blocked waiting for events (for tests) */
    public final long blockingPolls() {
        return blockingPolls;
    }

    private void runTasks() {
        // run at most what is queued now, so tasks that queue tasks cannot starve I/O
        int n = tasks.size();
        for (int i = 0; i < n; i++) {
            Runnable r = tasks.poll();
            if (r == null) {
                break;
            }
            try {
                r.run();
            } catch (Throwable t) {
                log(System.Logger.Level.ERROR, "jipc task failed: " + t);
            }
        }
    }

    private long nextTimerDelayMs() {
        Timer t;
        while ((t = timers.peek()) != null && t.cancelled) {
            timers.poll();
        }
        if (t == null) {
            return -1;
        }
        long ns = t.deadline - System.nanoTime();
        return ns <= 0 ? 0 : TimeUnit.NANOSECONDS.toMillis(ns + 999_999);
    }

    private void runTimers() {
        long now = System.nanoTime();
        Timer t;
        while ((t = timers.peek()) != null && (t.cancelled || t.deadline - now <= 0)) {
            timers.poll();
            if (!t.cancelled) {
                t.cancelled = true;
                try {
                    t.task.run();
                } catch (Throwable e) {
                    log(System.Logger.Level.ERROR, "jipc timer task failed: " + e);
                }
            }
        }
    }

    /**
     * Queues something for the end-of-turn flush unless a flush is already pending for it.
     *
     * @param channel what to flush
     * @param scheduled its "flush pending" flag
     */
    protected final void requestFlush(Flushable channel, AtomicBoolean scheduled) {
        if (scheduled.compareAndSet(false, true)) {
            if (inLoop()) {
                flushQueue.add(channel);
            } else {
                execute(() -> flushQueue.add(channel));
            }
        }
    }

    private void flushAll() {
        Flushable c;
        while ((c = flushQueue.poll()) != null) {
            c.flush();
        }
    }

    /**
     * @param level the level
     * @param msg the text, dropped when the transport is silent
     */
    protected final void log(System.Logger.Level level, String msg) {
        if (!silent) {
            LOG.log(level, msg);
        }
    }

    /** Something with queued output, flushed at the end of the loop turn. */
    public interface Flushable {
        /** Writes what is queued, as far as the kernel takes it. */
        void flush();
    }

    private static final class Timer implements Cancellable, Comparable<Timer> {
        final long deadline;
        final Runnable task;
        long seq;
        volatile boolean cancelled;

        Timer(long deadline, Runnable task) {
            this.deadline = deadline;
            this.task = task;
        }

        @Override
        public void cancel() {
            cancelled = true;
        }

        @Override
        public int compareTo(Timer o) {
            int c = Long.compare(deadline - o.deadline, 0);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }
}
