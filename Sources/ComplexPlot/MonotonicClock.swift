import Glibc

/// Seconds on the monotonic clock, for how long a plot's operations took.
package enum MonotonicClock {
    package static func seconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
