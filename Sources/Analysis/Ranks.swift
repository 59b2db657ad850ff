import Random

/// Average ranks with ties, and the exact null distribution of the Mann-Whitney U.
/// GSL has neither; everything else in the rank tests goes through GSL.
enum Ranks {
    /// 1-based ranks of `data`, tied values sharing the average of their ranks (scipy's
    /// `rankdata(method='average')`), and the size of every tie group (for the
    /// tie corrections: Σ(t³ − t)).
    static func average(_ data: [Double]) -> (ranks: [Double], tieGroupSizes: [Int]) {
        let order = GSL.sortIndex(data)
        var ranks = [Double](repeating: 0, count: data.count)
        var groups = [Int]()
        var start = 0
        while start < order.count {
            var end = start + 1
            while end < order.count, data[order[end]] == data[order[start]] { end += 1 }
            // Positions start..<end (0-based) hold one value: ranks start+1 ... end.
            let rank = Double(start + 1 + end) / 2
            for k in start..<end { ranks[order[k]] = rank }
            groups.append(end - start)
            start = end
        }
        return (ranks, groups)
    }

    /// Σ(t³ − t) over tie groups.
    static func tieTerm(_ groups: [Int]) -> Double {
        groups.reduce(0.0) { sum, t in let t = Double(t); return sum + (t * t * t - t) }
    }

    static func hasTies(_ samples: [[Double]]) -> Bool {
        let pooled = samples.flatMap { $0 }
        return Set(pooled).count < pooled.count
    }

    /// U of x: the number of pairs (xᵢ, yⱼ) with xᵢ > yⱼ, ties counting ½
    /// (R₁ − n₁(n₁ + 1)/2, as scipy's `mannwhitneyu` reports U1), plus the tie groups of
    /// the pooled sample.
    static func mannWhitneyU(_ x: [Double], _ y: [Double]) -> (u: Double, tieGroupSizes: [Int]) {
        let (ranks, groups) = average(x + y)
        let n1 = Double(x.count)
        let rankSum = ranks[0..<x.count].reduce(0, +)
        return (rankSum - n1 * (n1 + 1) / 2, groups)
    }

    /// P(U ≤ k) for k = 0 ... mn under H0 (no ties), exactly.
    ///
    /// The number of arrangements with U = k is the coefficient of q^k in the Gaussian
    /// binomial [m+n choose m]_q = Πᵢ₌₁..ₘ (1 − q^{n+i}) / (1 − q^i) (m ≤ n). Dividing by
    /// (1 − q^i) is a running sum and multiplying by (1 − q^{n+i}) a shifted subtraction,
    /// so the whole table costs O(m · mn) instead of the O(m·n·mn) of the textbook
    /// recurrence — one sample of 8 against 100 000 is still quick.
    static func mannWhitneyNullCDF(_ m: Int, _ n: Int) -> [Double] {
        let (small, large) = (Swift.min(m, n), Swift.max(m, n))
        let top = small * large
        var counts = [Double](repeating: 0, count: top + 1)
        counts[0] = 1
        // 1 / Πᵢ(1 − q^i): partitions of k into parts ≤ small (all terms positive).
        for i in stride(from: 1, through: small, by: 1) where i <= top {
            for k in i...top { counts[k] += counts[k - i] }
        }
        // × Πᵢ(1 − q^{large+i}), highest degree first so each step reads old values.
        for i in stride(from: 1, through: small, by: 1) where large + i <= top {
            let shift = large + i
            for k in stride(from: top, through: shift, by: -1) { counts[k] -= counts[k - shift] }
        }
        // The coefficients are symmetric (k ↔ mn − k); the subtractions make the upper half
        // the less accurate one, so the lower half is mirrored into it.
        for k in 0...top / 2 { counts[top - k] = counts[k] }
        let total = counts.reduce(0, +)
        var cdf = [Double](repeating: 0, count: top + 1)
        var running = 0.0
        for k in 0...top {
            running += counts[k]
            cdf[k] = running / total
        }
        return cdf
    }
}
