import Glibc
import ComplexLanguage

/// Threads that take parts of a pipe-mode window for a backend that
/// `allowsConcurrentCalls`: each evaluates its part's leading lines of plain arithmetic
/// (`Interpreter.evaluatePlainLines`) into bytes of its own, and `PipeRunner` prints
/// the parts in order and runs whatever a thread stopped at itself.
///
/// A thread starts with the first window that has work for it (`reserve`), polls a
/// while and then sleeps between windows, and ends with this object.
final class PlainLineWorkers {
    /// One thread's part of a window and what came of it. The runner writes the part
    /// and posts `start`; the thread reads it, writes the outcome and posts `done`; the
    /// runner waits on `done` before reading the outcome or writing the next part. The
    /// semaphores order every access, hence `@unchecked Sendable`.
    final class Part: @unchecked Sendable {
        /// The part's lines, one after another, and where each ends in `text`.
        var text: [UInt8] = []
        var ends: [Int] = []
        /// Only set to a backend that `allowsConcurrentCalls`.
        var backend: (any Backend)?
        var formatter = ValueFormatter()
        /// The lines the thread took, printed; how many; the last one's value; the error
        /// of the line it stopped at, if that line failed.
        var output: [UInt8] = []
        var taken = 0
        var last: Value?
        var failure: Diagnostic?
        /// Set, with a post of `start`, to end the thread.
        var stopping = false
        let start = UnsafeMutablePointer<sem_t>.allocate(capacity: 1)
        let done = UnsafeMutablePointer<sem_t>.allocate(capacity: 1)
        /// How long the thread polls for its next part before it sleeps.
        let polls: Int

        init(polls: Int) {
            self.polls = polls
            sem_init(start, 0, 0)
            sem_init(done, 0, 0)
        }

        deinit {
            sem_destroy(start)
            sem_destroy(done)
            start.deallocate()
            done.deallocate()
        }

        /// The thread's loop: one part per post of `start`.
        func serve() {
            while true {
                PlainLineWorkers.wait(start, polls: polls)
                if stopping { return }
                output.removeAll(keepingCapacity: true)
                (taken, last, failure) = text.withUnsafeBufferPointer { text in
                    ends.withUnsafeBufferPointer { ends in
                        Interpreter.evaluatePlainLines(text, ends: ends, backend: backend!, formatter: &formatter, appendingTo: &output)
                    }
                }
                backend = nil  // the runner may switch backends between windows
                sem_post(done)
            }
        }
    }

    /// The parts, one per thread that started.
    private(set) var parts: [Part] = []
    private var threads: [pthread_t] = []
    /// Polls of a semaphore before sleeping on it: `pollsBeforeSleeping` while every
    /// thread can have a processor of its own, else none (a thread that polls then
    /// takes a processor from one that works).
    let polls: Int

    /// Threads for a runner that uses up to `threads`, this one included.
    init(threads: Int) {
        polls = threads <= PipeRunner.processorsOnline ? Self.pollsBeforeSleeping : 0
    }

    /// Starts threads until there are `count`, or fewer if the system refuses more (the
    /// runner then takes more of each window itself).
    func reserve(_ count: Int) {
        while parts.count < count {
            let part = Part(polls: polls)
            guard let thread = Self.startThread(part) else { return }
            parts.append(part)
            threads.append(thread)
        }
    }

    deinit {
        for (part, thread) in zip(parts, threads) {
            part.stopping = true
            sem_post(part.start)
            pthread_join(thread, nil)
        }
    }

    /// Hands `part` its lines: it runs until `finish(part)`.
    func begin(_ part: Part) {
        sem_post(part.start)
    }

    /// Waits until `part`'s thread has taken what it can of its lines.
    func finish(_ part: Part) {
        Self.wait(part.done, polls: polls)
    }

    /// Polls `semaphore` up to `polls` times before sleeping on it: the other side is
    /// usually a part's time away, and with a sleep and a wake-up every window two
    /// threads were 1.2× one, and polling, 1.3–1.7× (`scripts/bench-pipe`, three runs).
    static func wait(_ semaphore: UnsafeMutablePointer<sem_t>, polls: Int) {
        for _ in 0..<polls where sem_trywait(semaphore) == 0 { return }
        while sem_wait(semaphore) != 0 {}  // EINTR
    }
    /// About 60 µs on the VM (3 ns a poll); 100,000 made no difference in 16
    /// alternating runs.
    static let pollsBeforeSleeping = 20_000

    /// A thread with every signal blocked, so that signals reach the main thread.
    static func startThread(_ part: Part) -> pthread_t? {
        var all = sigset_t(), previous = sigset_t()
        sigfillset(&all)
        pthread_sigmask(SIG_SETMASK, &all, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        var thread = pthread_t()
        let context = Unmanaged.passRetained(part).toOpaque()
        let rc = pthread_create(&thread, nil, { context in
            Unmanaged<Part>.fromOpaque(context!).takeRetainedValue().serve()
            return nil
        }, context)
        guard rc == 0 else {
            Unmanaged<Part>.fromOpaque(context).release()
            return nil
        }
        return thread
    }
}
