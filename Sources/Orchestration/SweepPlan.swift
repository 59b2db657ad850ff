import Random
import ResultsStore
import ScaleBenchCore

/// The matrix of a sweep in its run order: repetition-major (every topology at every
/// stream count, then the next repetition), so drift of the machine spreads over all
/// options. Each repetition has its own seed, shared by its cells.
public struct SweepPlan: Sendable {
    public struct Cell: Sendable, Equatable {
        /// Position in the full matrix (0-based), which decides the shard.
        public var index: Int
        public var topology: TopologyKind
        public var streams: Int
        public var repetition: Int
        public var seed: UInt64
    }

    public let name: String
    public let base: RunScenario
    public let baseHash: String
    public let cells: [Cell]
    /// The kinds options B and C share (option A shares none).
    public let sharedWorkers: [String]
    /// `realtime` or `simulated`: part of every cell's key, so the two never mix.
    public let mode: RunMode

    public init(name: String, base: RunScenario, topologies: [TopologyKind], streams: [Int], repetitions: Int,
                sharedWorkers: [String]? = nil, mode: RunMode = .realtime) {
        self.name = name
        self.mode = mode
        self.base = base
        self.sharedWorkers = sharedWorkers ?? base.sharedWorkers
        // The matrix axes are not part of the scenario's identity: a resumed sweep may add
        // stream counts or topologies and still be the same scenario.
        var identity = base
        identity.streams = 1
        identity.topology = .independentPipelines
        identity.sharedWorkers = self.sharedWorkers
        baseHash = ContentHash.scenario(identity).hash
        var cells: [Cell] = []
        for repetition in 0..<repetitions {
            let seed = SeedSequence.derive(base.seed, 0x5EE9, UInt64(repetition))
            for count in streams {
                for topology in topologies {
                    cells.append(Cell(index: cells.count, topology: topology, streams: count, repetition: repetition, seed: seed))
                }
            }
        }
        self.cells = cells
    }

    /// Shard `index` of `count` (1-based): every count-th cell, so each shard gets a
    /// similar mix of options and sizes, and the shards together cover the matrix once.
    public func shard(_ index: Int, of count: Int) -> [Cell] {
        cells.filter { $0.index % count == index - 1 }
    }

    public func identity(of cell: Cell) -> RunIdentity {
        var scenario = base.cell(streams: cell.streams, topology: cell.topology, shared: sharedWorkers)
        scenario.seed = cell.seed
        return RunIdentity(scenarioName: name, scenario: scenario, repetition: cell.repetition, mode: mode, baseHash: baseHash)
    }
}
