import CGSL

/// A seeded GSL generator and the distributions the workbench draws from. Same seed,
/// same sequence, on every machine.
///
/// One owner per C pointer: the generator is freed in `deinit`. Not thread-safe: each
/// thread that draws gets its own instance (seeds derived with ``SeedSequence``).
public final class GSLRandom {
    /// Which GSL algorithm draws.
    public enum Algorithm: Sendable {
        /// Mersenne Twister (`gsl_rng_mt19937`): 5 KB of state; for the statistics.
        case mt19937
        /// Maximally equidistributed Tausworthe (`gsl_rng_taus2`, period 2⁸⁸): 24 bytes of
        /// state, for the arrival and service generators of every capture and worker. A
        /// 1000-stream simulation keeps 2000 of them live and draws from them in turn;
        /// with mt19937's 5 KB each, every draw was a cache miss (15 % of its time).
        case taus2
    }

    private let rng: OpaquePointer
    /// GSL's state of a taus2 generator, read and written by ``TausStream``; nil for other
    /// algorithms.
    @usableFromInline let tausState: UnsafeMutablePointer<TausStream.State>?

    public init(seed: UInt64, algorithm: Algorithm = .mt19937) {
        GSLRandom.disableAbortingErrorHandler
        rng = OpaquePointer(gsl_rng_alloc(algorithm.type))
        let state = UnsafeMutablePointer<gsl_rng>(rng).pointee.state
        tausState = algorithm == .taus2 ? state?.assumingMemoryBound(to: TausStream.State.self) : nil
        // GSL takes an unsigned long seed; 0 would be replaced by GSL's default seed.
        gsl_rng_set(UnsafePointer(rng), UInt(truncatingIfNeeded: seed == 0 ? 0x9E37_79B9 : seed))
    }

    deinit { gsl_rng_free(UnsafeMutablePointer(rng)) }

    /// GSL's default handler aborts the process on any error; the workbench checks
    /// statuses instead. Switched off once, before the first generator exists.
    private static let disableAbortingErrorHandler: Void = {
        gsl_set_error_handler_off()
    }()

    private var pointer: UnsafePointer<gsl_rng> { UnsafePointer(rng) }

    /// Uniform on [0, 1).
    public func uniform() -> Double { gsl_rng_uniform(pointer) }

    /// Uniform integer in [0, n), n ≥ 1 (GSL's unbiased `gsl_rng_uniform_int`).
    public func uniformInt(below n: UInt64) -> UInt64 {
        precondition(n >= 1)
        return UInt64(gsl_rng_uniform_int(pointer, UInt(n)))
    }

    /// Uniform on [a, b).
    public func flat(_ a: Double, _ b: Double) -> Double { gsl_ran_flat(pointer, a, b) }

    public func exponential(mean: Double) -> Double { gsl_ran_exponential(pointer, mean) }

    /// Lognormal with location ζ and scale σ of the underlying normal: exp(ζ + σ·Z), Z drawn
    /// by GSL's ziggurat. GSL's own `gsl_ran_lognormal` draws Z by the polar method (two
    /// uniforms, a log and a square root, a fifth of the pairs rejected); the ziggurat
    /// mostly takes one uniform and a table lookup. Measured: the nursing-home simulation,
    /// three lognormal draws per frame, 8.0 → 9.2 M events/s. Same distribution, other
    /// draws than `gsl_ran_lognormal` for the same seed.
    public func lognormal(zeta: Double, sigma: Double) -> Double {
        exp(zeta + sigma * gsl_ran_gaussian_ziggurat(pointer, 1))
    }

    /// Gamma with shape `a` and scale `b` (mean a·b).
    public func gamma(shape: Double, scale: Double) -> Double { gsl_ran_gamma(pointer, shape, scale) }

    public func gaussian(sigma: Double) -> Double { gsl_ran_gaussian(pointer, sigma) }

    /// The generator's uniforms drawn in Swift when it is a taus2 (nil otherwise): for loops
    /// that draw many.
    @inlinable
    public var tausStream: TausStream? { tausState.map(TausStream.init) }
}

/// A taus2 generator's uniforms, drawn by GSL's recurrence (rng/taus.c) on GSL's own state:
/// the numbers and state that ``GSLRandom/uniform()`` and ``GSLRandom/flat(_:_:)`` give,
/// without their two calls through GSL's function pointers per draw, which cost the
/// simulator as much as the arithmetic around them (Reports/benchmarks.md). Valid while
/// its ``GSLRandom`` lives.
public struct TausStream {
    /// taus.c's `taus_state_t`: three `unsigned long`s holding 32-bit values.
    public struct State {
        @usableFromInline var s1: UInt, s2: UInt, s3: UInt
    }

    @usableFromInline let state: UnsafeMutablePointer<State>

    @inlinable init(_ state: UnsafeMutablePointer<State>) { self.state = state }

    @inlinable @inline(__always)
    static func step(_ s: UInt, _ a: UInt, _ b: UInt, _ c: UInt, _ d: UInt) -> UInt {
        (((s & c) << d) & 0xFFFF_FFFF) ^ ((((s << a) & 0xFFFF_FFFF) ^ s) >> b)
    }

    /// Uniform on [0, 1): `gsl_rng_uniform` of a taus2 generator.
    @inlinable @inline(__always)
    public func uniform() -> Double {
        state.pointee.s1 = Self.step(state.pointee.s1, 13, 19, 4_294_967_294, 12)
        state.pointee.s2 = Self.step(state.pointee.s2, 2, 25, 4_294_967_288, 4)
        state.pointee.s3 = Self.step(state.pointee.s3, 3, 11, 4_294_967_280, 17)
        return Double(state.pointee.s1 ^ state.pointee.s2 ^ state.pointee.s3) / 4_294_967_296.0
    }

    /// Uniform on [a, b): `gsl_ran_flat`.
    @inlinable @inline(__always)
    public func flat(_ a: Double, _ b: Double) -> Double {
        let u = uniform()
        return a * (1 - u) + b * u
    }
}

extension GSLRandom.Algorithm {
    var type: UnsafePointer<gsl_rng_type> {
        switch self {
        case .mt19937: return scalebench_gsl_mt19937()
        case .taus2: return scalebench_gsl_taus2()
        }
    }

    /// Bytes of one generator: GSL's header and the algorithm's state.
    public var bytes: Int { MemoryLayout<gsl_rng>.size + type.pointee.size }
}

/// Derives independent, reproducible seeds for every stream and worker from one run seed
/// (SplitMix64), so adding a worker never changes another worker's draws.
public enum SeedSequence {
    public static func derive(_ seed: UInt64, _ path: UInt64...) -> UInt64 {
        var state = seed
        for component in path {
            state = mix(state &+ 0x9E37_79B9_7F4A_7C15 &* (component &+ 1))
        }
        return mix(state)
    }

    private static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Versions of the linked C libraries, for run provenance (FFmpeg's is added by the
/// video target).
public enum LibraryVersions {
    public static var gsl: String { String(cString: scalebench_gsl_version()) }
}
