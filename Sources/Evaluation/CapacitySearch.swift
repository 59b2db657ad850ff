import ScaleBenchCore

/// The largest stream count at which an option meets every service level, found by a
/// bounded search: doubling from a start until a count fails (or the bound), then
/// bisecting between the last count that met and the first that did not. Each probe is
/// a measurement the caller makes (runs at that count); the search itself is pure.
public struct CapacitySearch: Sendable {
    public struct Probe: Sendable {
        public var streams: Int
        public var meets: Bool
        /// Why, in words (the service levels' evidence).
        public var evidence: [String]
        /// The runs could not show whether the levels are met (counted as a miss).
        public var insufficient: Bool
        public init(streams: Int, meets: Bool, evidence: [String], insufficient: Bool = false) {
            self.streams = streams
            self.meets = meets
            self.evidence = evidence
            self.insufficient = insufficient
        }
    }

    public var start: Int
    public var bound: Int

    public init(start: Int = 1, bound: Int) {
        self.start = max(1, start)
        self.bound = max(self.start, bound)
    }

    /// Runs the search, calling `probe` once per stream count it needs, in search order.
    /// Returns every probe and the capacity: nil when even `start` fails; `bound` when
    /// `bound` meets every level (the capacity may be higher).
    public func run(_ probe: (Int) throws -> Probe) rethrows -> (capacity: Int?, probes: [Probe]) {
        var probes: [Probe] = []
        func measure(_ streams: Int) throws -> Bool {
            let result = try probe(streams)
            probes.append(result)
            return result.meets
        }
        guard try measure(start) else { return (nil, probes) }
        var good = start
        var bad: Int? = nil
        while bad == nil && good < bound {
            let next = min(good * 2, bound)
            if try measure(next) { good = next } else { bad = next }
        }
        guard var high = bad else { return (good, probes) }
        // Bisect (good, high): good meets, high does not.
        while high - good > 1 {
            let middle = (good + high) / 2
            if try measure(middle) { good = middle } else { high = middle }
        }
        return (good, probes)
    }
}
