import Random

extension Double {
    /// This non-negative duration (below 2^63 ns, 292 years) rounded to whole nanoseconds,
    /// halves away from zero: `UInt64(rounded())` without the call to libm's `round`
    /// (2 % of a simulation, where every drawn time is rounded). Equal for every value:
    /// below 2^53 the fraction `self − trunc(self)` is exact; above, every double is an
    /// integer already.
    @inline(__always)
    var roundedNanoseconds: UInt64 {
        // Signed conversions: one instruction each, where unsigned ones take a sequence.
        let whole = Int64(self)
        // Without a branch: the fraction is a coin toss, which a branch mispredicts.
        let up = self - Double(whole) >= 0.5
        return UInt64(bitPattern: whole) &+ UInt64(unsafeBitCast(up, to: UInt8.self))
    }
}
