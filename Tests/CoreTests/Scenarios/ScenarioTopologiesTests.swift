@testable import ScaleBenchCore
@testable import RuntimeSupport
@testable import Video
@testable import Realtime
@testable import Simulated
@testable import Orchestration
import Random
import TestSupport
import XCTest

/// Must show: A, B (both inbox variants) and C built from one scenario file all run, and
/// every frame is accounted for per stream and stage: in = out + dropped + in flight.
final class ScenarioTopologiesTests: XCTestCase {
    static let text = """
    name: one-scenario
    streams: 3
    topology: [A, B, C]
    duration: 1s
    warmup: 200ms
    capture: {fps: 30, resolution: 160x120, phase: spread}
    devices: [{name: gpu0, memory-gb: 24}]
    workers:
      - kind: offload:10ms
        name: detector
      - kind: offload:80ms
        name: vlm
        device: gpu0
        model-memory-gb: 8
        shared: true
    """

    func testEveryOptionRunsFromOneScenarioAndAccountsForEveryFrame() throws {
        let file = try ScenarioFile.parse(Self.text, file: "one.yaml", defaultName: "one")
        XCTAssertEqual(file.cells.count, 3)
        for (count, topology) in file.cells {
            for inbox in topology == .globalPipeline ? [InboxKind.single, .perStream] : [.perStream] {
                var scenario = file.scenario(streams: count, topology: topology)
                scenario.inbox = inbox
                let label = "\(topology.rawValue) \(inbox.rawValue)"
                let result = try RealtimeExecutor(scenario: scenario).run().result
                let lines = result.accounting.lines
                XCTAssertTrue(result.accounting.balanced, "\(label): \(lines.filter { !$0.balanced })")
                // Every stream's capture, and every stream × worker slot and worker (B's
                // single inbox: one slot and one pool line per kind).
                XCTAssertEqual(lines.filter { $0.stage == "capture" }.count, 3, label)
                let perStream = topology == .globalPipeline && inbox == .single ? 2 : 6
                XCTAssertEqual(lines.filter { $0.stage == "slot" }.count, perStream, label)
                XCTAssertEqual(lines.filter { $0.stage == "worker" }.count, perStream, label)
                XCTAssertEqual(lines.filter { $0.stage == "inbox" }.count, topology == .globalPipeline ? 1 : 3, label)
                XCTAssertTrue(lines.allSatisfy { $0.input > 0 }, "\(label): every stage saw frames")
                XCTAssertEqual(result.workers.count, 6, "\(label): a row per stream × worker kind")
                XCTAssertTrue(result.workers.allSatisfy { $0.processed > 0 }, label)
                let vlmInstances = topology == .independentPipelines ? 3.0 : 1.0
                XCTAssertEqual(result.devices.first?.modelMemoryGB, 8 * vlmInstances, label)
            }
        }
    }
}
