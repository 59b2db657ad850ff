import TestSupport
import XCTest
@testable import ScaleBenchCore
@testable import RuntimeSupport
@testable import Video
@testable import Realtime
@testable import Simulated
@testable import Orchestration
import Random

/// Scenario files: the presets load, defaults fill in, and every kind of bad file gets
/// one located message: file, line, key path, what is wrong and what is allowed.
final class ScenarioFileTests: XCTestCase {
    static let good = """
    name: ward
    streams: 4
    topology: [A, C]
    duration: 5s
    capture:
      fps: 15
      resolution: 480p
    devices:
      - name: gpu0
        memory-gb: 24
    workers:
      - kind: person-detector
      - kind: vlm
        device: gpu0
        shared: true
    faults:
      - kind: capture-stall
        stream: 1
        at: 2s
        duration: 1s
    """

    func parse(_ text: String) throws(ScenarioFileError) -> ScenarioFile {
        try ScenarioFile.parse(text, file: "Scenarios/x.yaml", defaultName: "x")
    }

    /// The error a text gets, or a failure when it loads.
    func problem(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> ScenarioFileError? {
        do {
            _ = try parse(text)
            XCTFail("loaded, but should not have: \(text)", file: file, line: line)
            return nil
        } catch {
            return error
        }
    }

    func testTheGoodFileResolvesWithDefaults() throws {
        let file = try parse(Self.good)
        XCTAssertEqual(file.name, "ward")
        XCTAssertEqual(file.streamCounts, [4])
        XCTAssertEqual(file.topologies, [.independentPipelines, .hybrid])
        XCTAssertEqual(file.repetitions, 1)
        XCTAssertEqual(file.cells.count, 2)
        let c = file.scenario(streams: 4, topology: .hybrid)
        XCTAssertEqual(c.sharedWorkers, ["vlm"])
        XCTAssertEqual(c.fps, 15)
        XCTAssertEqual(c.resolution, Resolution(width: 640, height: 480))
        XCTAssertEqual(c.warmup, RunScenario().warmup, "unset keys keep RunScenario's defaults")
        XCTAssertEqual(c.workers.map(\.name), ["person-detector", "vlm"])
        XCTAssertEqual(c.workers[1].device, "gpu0")
        XCTAssertEqual(c.workers[1].modelMemory, 8, "the VLM preset's model memory")
        XCTAssertEqual(c.faults, [Fault(kind: .captureStall, at: .seconds(2), stream: 1, duration: .seconds(1))])
        XCTAssertEqual(file.scenario(streams: 4, topology: .independentPipelines).sharedWorkers, [], "option A shares nothing")
    }

    func testThePresetsLoadAndOptionAIsInfeasibleOnTheirGPU() throws {
        let folder = Fixtures.repository.appendingPathComponent("Scenarios")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") }.sorted()
        XCTAssertEqual(names, ["decision-checkpoint.yaml", "fault-isolation.yaml", "geriatric-4.yaml", "hospital-10.yaml", "nursing-home-32.yaml",
                               "nursing-home-day.yaml", "nursing-home-night.yaml", "nursing-home-storm.yaml", "person-detector-process.yaml"])
        for name in names { XCTAssertNoThrow(try ScenarioFile.load(path: folder.appendingPathComponent(name).path), name) }
        // The changing-load presets: the original's day, its night, and storms over the day.
        for (name, idle) in [("nursing-home-day.yaml", 0.911), ("nursing-home-night.yaml", 0.968), ("nursing-home-storm.yaml", 0.911)] {
            let file = try ScenarioFile.load(path: folder.appendingPathComponent(name).path)
            let load = try XCTUnwrap(file.base.load, name)
            XCTAssertEqual(load.states.map(\.fps), [0.5, 2, 5], name)
            XCTAssertEqual(load.timeFractions[0], idle, accuracy: 0.001, "\(name): idle share")
            XCTAssertEqual(file.base.storms?.isEmpty ?? true, name != "nursing-home-storm.yaml", name)
        }

        let checkpoint = try ScenarioFile.load(path: folder.appendingPathComponent("decision-checkpoint.yaml").path)
        XCTAssertEqual(checkpoint.streamCounts, [4, 10, 32])
        XCTAssertEqual(checkpoint.topologies, [.independentPipelines, .globalPipeline, .hybrid])
        XCTAssertEqual(checkpoint.cells.count, 9)
        // The original's figures: 8 GB a VLM, 0.5 GB a CPU model, a 16 GB GPU and 16 GB of RAM.
        // A never fits the GPU; at 32 rooms the per-room CPU models (A and C) outgrow the RAM.
        for (count, topology) in checkpoint.cells {
            let scenario = checkpoint.scenario(streams: count, topology: topology)
            let problems = scenario.infeasibilities.map(\.description)
            let host = "host: needs 32.0 GB (person-detector 32 × 0.5 GB + pose 32 × 0.5 GB) but has 16.0 GB"
            switch (topology, count) {
            case (.independentPipelines, 32):
                XCTAssertEqual(problems, ["gpu0: needs 256.0 GB (vlm 32 × 8.0 GB) but has 16.0 GB", host])
            case (.independentPipelines, _):
                XCTAssertEqual(problems, ["gpu0: needs \(format1(Double(count) * 8)) GB (vlm \(count) × 8.0 GB) but has 16.0 GB"])
            case (.hybrid, 32):
                XCTAssertEqual(problems, [host])
            default:
                XCTAssertEqual(problems, [], "\(topology) at \(count) fits")
            }
        }
    }

    private func format1(_ value: Double) -> String { String(format: "%.1f", value) }

    /// The must-show list of bad scenarios, each with its exact location and message.
    func testBadScenariosAreLocatedWithKeyPathAndWhatIsAllowed() {
        let cases: [(text: String, expected: String)] = [
            (Self.good.replacingOccurrences(of: "duration: 5s", with: "durration: 5s"),
             "Scenarios/x.yaml:4: unknown key 'durration'; did you mean duration? allowed here: name, description, streams, topology, duration, warmup, repetitions, seed, cooldown, host, capture, workers, devices, options, faults, checkpoint, gate"),
            (Self.good.replacingOccurrences(of: "  fps: 15", with: "  fps: fast"),
             "Scenarios/x.yaml:6 capture.fps: expected a number above 0 to 1000, got 'fast'"),
            (Self.good.replacingOccurrences(of: "streams: 4", with: "streams: -3"),
             "Scenarios/x.yaml:2 streams: -3 is out of range; expected an integer from 1 to 4096"),
            (Self.good.replacingOccurrences(of: "streams: 4", with: "streams: 0"),
             "Scenarios/x.yaml:2 streams: 0 is out of range; expected an integer from 1 to 4096"),
            (Self.good.replacingOccurrences(of: "  - kind: person-detector", with: "  - kind: yolo-xxl"),
             "Scenarios/x.yaml:12 workers[0].kind: unknown worker 'yolo-xxl'; expected \(WorkerSpec.grammar)"),
            (Self.good.replacingOccurrences(of: "    device: gpu0", with: "    device: gpu1"),
             "Scenarios/x.yaml:14 workers[1].device: unknown device \"gpu1\" (known: gpu0); did you mean gpu0?"),
            (Self.good.replacingOccurrences(of: "    stream: 1", with: "    stream: 4"),
             "Scenarios/x.yaml:18 faults[0].stream: 4: expected a stream from 0 to 3 (streams 4, topology A)"),
            (Self.good.replacingOccurrences(of: "topology: [A, C]", with: "topology: A"),
             "Scenarios/x.yaml:15 workers[1].shared: a shared worker in option A (every pipeline has its own); share it in option B or C, or list topology: [A, C]"),
            (Self.good.replacingOccurrences(of: "topology: [A, C]", with: "topology: D"),
             "Scenarios/x.yaml:3 topology: unknown value 'D'; expected one of A, B, C"),
            (Self.good.replacingOccurrences(of: "    memory-gb: 24", with: "    memory-gb: [24]"),
             "Scenarios/x.yaml:10 devices[0].memory-gb: expected a number above 0 to 1000000, got a list"),
            (Self.good.replacingOccurrences(of: "  - kind: capture-stall", with: "  - kind: capture-stal"),
             "Scenarios/x.yaml:17 faults[0].kind: unknown value 'capture-stal' (did you mean capture-stall?); expected one of capture-stall, capture-crash, worker-crash, worker-slowdown"),
            (Self.good.replacingOccurrences(of: "    at: 2s", with: "    at: 9s"),
             "Scenarios/x.yaml:19 faults[0].at: 9s: expected a time within the measured window (duration 5s), counted from its start (streams 4, topology A)"),
            (Self.good.replacingOccurrences(of: "capture:\n", with: "capture:\n  - fps\n"),
             "Scenarios/x.yaml:7: is not valid YAML: did not find expected '-' indicator (while parsing a block collection)"),
            ("", "Scenarios/x.yaml:1: is empty; a scenario needs at least streams and workers"),
            ("streams: 4\n", "Scenarios/x.yaml:1: workers is missing: a list of worker kinds, e.g. - kind: person-detector"),
            (Self.good.replacingOccurrences(of: "topology: [A, C]", with: "topology: [A, C, A]"),
             "Scenarios/x.yaml:3 topology[2]: A is listed twice"),
            (Self.good.replacingOccurrences(of: "streams: 4", with: "streams: [4, 10, 4]"),
             "Scenarios/x.yaml:2 streams[2]: 4 is listed twice"),
            ("streams: 4\nworkers:\n  - kind: vlm\nfaults:\n  - {kind: worker-slowdown, worker: vlm, stream: 0, at: 1s, duration: 1s, factor: 0.5}\n",
             "Scenarios/x.yaml:5 faults[0].factor: 0.5 is out of range; expected a number from 1 to 1000"),
            ("streams: 4\nduration:\nworkers:\n  - kind: vlm\n",
             "Scenarios/x.yaml:2 duration: expected \(Duration.grammar), got nothing"),
            ("streams: 4\ncapture: {fps: 45}\nworkers:\n  - kind: vlm\n",
             "Scenarios/x.yaml:2 capture.fps: 45: expected a number from 0.1 to 30 (the original's range; above 30 only in stress mode: --stress, or capture.stress: true in a scenario file)"),
            ("streams: 4\nworkers:\n  - kind: vlm\n  - kind: vlm\n",
             "Scenarios/x.yaml:4 workers[1].kind: a second worker named \"vlm\"; give one a name: key"),
        ]
        for (text, expected) in cases {
            XCTAssertEqual(problem(text)?.description, expected)
        }
    }

    /// The box: a profile with overrides, spelt out, and every way a box can be wrong,
    /// each at its line and key.
    func testTheHostIsAProfileOrSpeltOutAndABadOneIsLocated() throws {
        let nuc = try parse("streams: 4\nhost: {profile: nuc-i5-1135g7}\nworkers:\n  - kind: pose\n    device: host\n")
        XCTAssertEqual(nuc.base.host, HostProfile.named("nuc-i5-1135g7"))
        XCTAssertEqual(nuc.base.placementDevices.map(\.name), ["host"], "the box's memory holds the CPU models")
        let halved = try parse("streams: 4\nhost: {profile: nuc-i5-1135g7, cores: 2}\nworkers:\n  - kind: pose\n")
        XCTAssertEqual(halved.base.host?.cores, 2)
        XCTAssertEqual(halved.base.host?.threads, 4, "the profile's two threads a core")
        XCTAssertEqual(halved.base.host?.profile, "nuc-i5-1135g7 (modified)")
        let spelt = try parse("streams: 4\nhost:\n  cores: 4\n  smt: 1.3\n  memory-gb: 8\nworkers:\n  - kind: pose\n")
        XCTAssertEqual(spelt.base.host, HostSpec(cores: 4, threads: 8, smt: [1, 1.3], memoryGB: 8))

        let cases: [(text: String, expected: String)] = [
            ("streams: 4\nhost: {cores: 0, memory-gb: 8}\nworkers:\n  - kind: pose\n",
             "Scenarios/x.yaml:2 host.cores: cores 0: expected at least 1"),
            ("streams: 4\nhost:\n  cores: 4\n  threads: 2\n  memory-gb: 8\nworkers:\n  - kind: pose\n",
             "Scenarios/x.yaml:4 host.threads: threads 2: expected at least the 4 cores (a core has at least one thread)"),
            ("streams: 4\nhost:\n  cores: 4\n  smt: [1, 1.2, 1.1]\n  memory-gb: 8\nworkers:\n  - kind: pose\n",
             "Scenarios/x.yaml:4 host.smt: smt [1, 1.2, 1.1]: a curve that falls (another busy thread never lowers a core's throughput)"),
            ("streams: 4\nhost: {profile: nuc-i5-1135}\nworkers:\n  - kind: pose\n",
             "Scenarios/x.yaml:2 host.profile: unknown value 'nuc-i5-1135' (did you mean nuc-i5-1135g7?); expected one of nuc-i5-1135g7, i7-10700, i9-12900k, jetson-xavier-nx"),
            ("streams: 4\nhost: {cores: 4}\nworkers:\n  - kind: pose\n",
             "Scenarios/x.yaml:2 host: memory-gb is missing: the box's memory in GB"),
            ("streams: 4\ndevices:\n  - {name: host, memory-gb: 16}\nworkers:\n  - kind: pose\n",
             "Scenarios/x.yaml:3 devices[0].name: \"host\" is the box's memory: declare it as host: {memory-gb: N} (or host: {profile: …}), not as a device"),
            ("streams: 4\nhost: {profile: nuc-i5-1135g7}\ndevices:\n  - {name: gpu0, memory-gb: 16}\nworkers:\n  - kind: pose\n    host-cost: 2ms\n",
             "Scenarios/x.yaml:7 workers[0].host-cost: host-cost is for offload workers (a cpu:lognormal(50ms,8ms) worker's whole service is host CPU)"),
            ("streams: 4\ncapture:\n  decode-cpu: lognormal(4ms)\nworkers:\n  - kind: pose\n",
             "Scenarios/x.yaml:3 capture.decode-cpu: lognormal takes 2 durations, got 1 in 'lognormal(4ms)'"),
            ("streams: 4\ncapture:\n  source: Fixtures/corridor-640x360.mp4\n  decode: preload\n  decode-cpu: 4ms\nworkers:\n  - kind: pose\n",
             "Scenarios/x.yaml:5 capture.decode-cpu: 4ms: expected no per-frame cost with decode: preload, which decodes the file once before the run (use decode: live)"),
            ("streams: 4\nworkers:\n  - kind: pose\n    name: capture\n",
             "Scenarios/x.yaml:3 workers: \"capture\": expected a name that is not a stage of the pipeline (capture, supplier)"),
        ]
        for (text, expected) in cases {
            XCTAssertEqual(problem(text)?.description, expected)
        }
    }

    /// Load profiles and groups read whole, with each state's next-state weights.
    func testLoadProfilesAndGroupsRead() throws {
        let file = try parse("""
        streams: [4, 8]
        capture:
          fps: 10
          load:
            - {state: idle, fps: 0.5, dwell: exponential(60s), next: {active: 1}}
            - {state: active, fps: 2, dwell: exponential(20s), next: {idle: 0.8, alert: 0.2}}
            - {state: alert, fps: 5, dwell: exponential(10s), next: {active: 1}, workers: ["offload:10ms"]}
          groups:
            - {streams: 25%, fps: 30, arrival: poisson, phase: random}
            - {streams: 1, source: Fixtures/corridor-640x360.mp4, resolution: 320x180}
        workers:
          - kind: "offload:10ms"
        """)
        let scenario = file.scenario(streams: 8, topology: .independentPipelines)
        XCTAssertEqual(scenario.load?.states.map(\.name), ["idle", "active", "alert"])
        XCTAssertEqual(scenario.load?.states[1].next, ["idle": 0.8, "alert": 0.2])
        XCTAssertEqual(scenario.load?.states[2].dwell, .exponential(mean: .seconds(10)))
        XCTAssertEqual(scenario.load?.states.map(\.workers), [nil, nil, ["offload:10ms"]])
        XCTAssertEqual(scenario.streamCaptures.map { $0.load == nil }, [true, true, true, false, false, false, false, false],
                       "a quarter of 8 streams take the group's constant 30 fps, the next its recorded video")
        XCTAssertEqual(scenario.streamCaptures[0].fps, 30)
        XCTAssertEqual(scenario.streamCaptures[0].arrival, .poisson)
        XCTAssertEqual(scenario.streamCaptures[2].source, .file("Fixtures/corridor-640x360.mp4"))
        XCTAssertEqual(scenario.streamCaptures[2].resolution, Resolution(width: 320, height: 180))
        XCTAssertEqual(scenario.streamCaptures[2].targetFPS, 10, "a group's recorded video at the scenario's fps as a target")
        XCTAssertEqual(scenario.streamCaptures[3].source, .synthetic)
        XCTAssertEqual(file.scenario(streams: 4, topology: .independentPipelines).streamCaptures.filter { $0.load == nil }.count, 2)
    }

    func testBadLoadProfilesAndGroupsAreNamed() {
        let cases: [(String, String)] = [
            ("streams: 4\ncapture:\n  load:\n    - {state: idle, fps: 1, dwell: 10s, next: {actve: 1}}\n    - {state: active, fps: 2, dwell: 5s}\nworkers:\n  - kind: pose\n",
             "Scenarios/x.yaml:4 capture.load[0].next: unknown key 'actve'; did you mean active? allowed here: idle, active"),
            ("streams: 4\ncapture:\n  load:\n    - {state: idle, fps: 1}\nworkers:\n  - kind: pose\n",
             "Scenarios/x.yaml:4 capture.load[0]: dwell is missing: how long the state lasts, e.g. dwell: exponential(60s)"),
            ("streams: 4\ncapture:\n  load:\n    - {state: idle, fps: 45, dwell: 10s}\nworkers:\n  - kind: pose\n",
             "Scenarios/x.yaml:4 capture.load: 1 state(s): expected each state's fps from 0.1 to 30 (idle: 45)"),
            ("streams: 4\ncapture:\n  load:\n    - {state: idle, fps: 1, dwell: 10s}\n  storms:\n    - {every: 1h, lasts: 5m, rooms: 50%, state: alert}\nworkers:\n  - kind: pose\n",
             "Scenarios/x.yaml:6 capture.storms[0].state: alert: expected a state of every load profile (known: idle)"),
            ("streams: 4\ncapture:\n  load:\n    - {state: idle, fps: 1, dwell: 10s}\n  storms:\n    - {every: 1h, lasts: 5m, rooms: half, state: idle}\nworkers:\n  - kind: pose\n",
             "Scenarios/x.yaml:6 capture.storms[0].rooms: 'half' is not a share; expected a percentage such as 50%"),
            ("streams: 4\ncapture:\n  storms:\n    - {every: 1h, lasts: 5m, rooms: 50%, state: alert}\nworkers:\n  - kind: pose\n",
             "Scenarios/x.yaml:4 capture.storms[0]: state alert: expected a load profile for the storm to act on (capture.load)"),
            ("streams: 4\ncapture:\n  load:\n    - {state: idle, fps: 1, dwell: 10s, next: {alert: 1}}\n    - {state: alert, fps: 5, dwell: 5s, next: {alert: 1}}\nworkers:\n  - kind: pose\n",
             "Scenarios/x.yaml:4 capture.load: 2 state(s): expected no absorbing state (alert only leads to itself)"),
            ("streams: 4\ncapture:\n  load:\n    - {state: idle, fps: 1, dwell: 10s, next: {active: 0.8, alert: 0.1}}\n    - {state: active, fps: 2, dwell: 5s}\n    - {state: alert, fps: 5, dwell: 5s}\nworkers:\n  - kind: pose\n",
             "Scenarios/x.yaml:4 capture.load: 3 state(s): expected next-state probabilities from 0 to 1 that sum to 1 (idle: active 0.8 + alert 0.1 = 0.9)"),
            ("streams: 4\ncapture:\n  load:\n    - {state: a, fps: 1, dwell: 10s, next: {b: 1}}\n    - {state: b, fps: 2, dwell: 5s, next: {a: 1}}\n    - {state: c, fps: 5, dwell: 5s, next: {d: 1}}\n    - {state: d, fps: 5, dwell: 5s, next: {c: 1}}\nworkers:\n  - kind: pose\n",
             "Scenarios/x.yaml:4 capture.load: 4 state(s): expected one chain ({a, b} and {c, d} never reach each other)"),
            ("streams: 4\ncapture:\n  load:\n    - {state: idle, fps: 1, dwell: 0s}\n    - {state: alert, fps: 5, dwell: 5s}\nworkers:\n  - kind: pose\n",
             "Scenarios/x.yaml:4 capture.load: 2 state(s): expected each state's dwell time with a mean above 0 (idle)"),
            ("streams: 4\ncapture:\n  load:\n    - {state: idle, fps: 1, dwell: -5s}\n    - {state: alert, fps: 5, dwell: 5s}\nworkers:\n  - kind: pose\n",
             "Scenarios/x.yaml:4 capture.load[0].dwell: '-5s' is negative; a duration must be ≥ 0"),
            ("streams: 4\ncapture:\n  load:\n    - {state: idle, fps: 1, dwell: 10s, workers: [detectr]}\n    - {state: alert, fps: 5, dwell: 5s}\nworkers:\n  - kind: pose\n  - kind: \"offload:10ms\"\n    name: detector\n",
             "Scenarios/x.yaml:4 capture.load[0].workers: detectr: expected the names of the scenario's workers (pose, detector)"),
            ("streams: 4\ncapture:\n  groups:\n    - {streams: 2, source: Fixtures/corridor-640x360.mp4, load: [{state: idle, fps: 1, dwell: 10s}]}\nworkers:\n  - kind: pose\n",
             "Scenarios/x.yaml:4 capture.groups: with source Fixtures/corridor-640x360.mp4: expected synthetic frames for per-stream rates and load profiles (a recorded file plays at its own times)"),
            ("streams: 4\ncapture:\n  pixel-format: yuv420p\n  groups:\n    - {streams: 2, resolution: 321x180}\nworkers:\n  - kind: pose\n",
             "Scenarios/x.yaml:5 capture.groups[0].resolution: 321x180: expected even width and height for yuv420p"),
            ("streams: 4\ncapture:\n  groups:\n    - {streams: 2, resolution: huge}\nworkers:\n  - kind: pose\n",
             "Scenarios/x.yaml:4 capture.groups[0].resolution: 'huge' is not a resolution; expected 480p, 512p, 640p, 720p, 1080p or WIDTHxHEIGHT with sides 2–8192"),
            ("streams: 4\ncapture:\n  groups:\n    - {streams: lots, fps: 2}\nworkers:\n  - kind: pose\n",
             "Scenarios/x.yaml:4 capture.groups[0].streams: 'lots' is neither a count (2) nor a share (25%)"),
            ("streams: 4\ncapture:\n  groups:\n    - {streams: 3, fps: 2}\n    - {streams: 50%, fps: 5}\nworkers:\n  - kind: pose\n",
             "Scenarios/x.yaml:4 capture.groups: 5 streams: expected groups that fit the 4 streams of the cell (3 + 50%)"),
            ("streams: 4\ncapture:\n  source: Fixtures/corridor-640x360.mp4\n  load:\n    - {state: idle, fps: 1, dwell: 10s}\nworkers:\n  - kind: pose\n",
             "Scenarios/x.yaml:5 capture.load: with source Fixtures/corridor-640x360.mp4: expected synthetic frames for per-stream rates and load profiles (a recorded file plays at its own times)"),
        ]
        for (text, expected) in cases {
            XCTAssertEqual(problem(text)?.description, expected)
        }
    }

    /// A preset renamed keeps its model's size; sharing reads in both spellings.
    func testARenamedPresetKeepsItsModelMemoryAndSharingReadsBothSpellings() throws {
        let file = try parse("""
        streams: 2
        devices:
          - {name: gpu0, memory-gb: 16, sharing: "efficiency(1,1.5)"}
          - {name: gpu1, memory-gb: 16, sharing: {efficiency: [1, 1.5]}}
        workers:
          - {kind: vlm, name: describer, device: gpu0}
        """)
        XCTAssertEqual(file.base.workers[0].modelMemory, 8)
        XCTAssertEqual(file.base.devices.map(\.sharing), [.efficiency([1, 1.5]), .efficiency([1, 1.5])])
        let problems = file.base.infeasibilities
        XCTAssertEqual(problems, [], "2 × 8 GB fit 16 GB exactly")
        var three = file.base
        three.streams = 3
        XCTAssertEqual(three.infeasibilities.map(\.description),
                       ["gpu0: needs 24.0 GB (describer 3 × 8.0 GB) but has 16.0 GB"])
    }

    func testACheckpointReadsItsLevelsAndCriteriaAndChecksThem() throws {
        let checkpoint = """
        checkpoint:
          service-levels:
            - {metric: "latency-p99:vlm", max: 2000}
          criteria:
            - {item: "A within 25 %", metric: cpu-cores, streams: [4], option: A, versus: C, within: 25%}
        """
        let file = try parse(Self.good + "\n" + checkpoint)
        XCTAssertEqual(file.base.checkpoint, Checkpoint(
            serviceLevels: [.init(metric: Metric(.latencyP99, "vlm"), max: 2000)],
            criteria: [.init(item: "A within 25 %", metric: Metric(.processCores), streams: [4], option: .independentPipelines,
                             versus: .hybrid, rule: .within(0.25))]))
        let cases: [(String, String)] = [
            (checkpoint.replacingOccurrences(of: "latency-p99:vlm", with: "latency-p99:vml"),
             "Scenarios/x.yaml:23 checkpoint.service-levels[0].metric: unknown worker \"vml\" (known: person-detector, vlm)"),
            (checkpoint.replacingOccurrences(of: "streams: [4]", with: "streams: [5]"),
             "Scenarios/x.yaml:25 checkpoint.criteria[0].streams[0]: 5 is not a stream count of the scenario (4)"),
            (checkpoint.replacingOccurrences(of: "within: 25%", with: "within: 25%, exceeds: 10%"),
             "Scenarios/x.yaml:25 checkpoint.criteria[0]: expected one of within: or exceeds: (a margin such as 25%)"),
        ]
        for (text, expected) in cases {
            XCTAssertEqual(problem(Self.good + "\n" + text)?.description, expected)
        }
    }

    func testGateDefaultsReadQuantitiesAndMetrics() throws {
        let file = try parse(Self.good + "\ngate: {alpha: 0.01, thresholds: {latency-p99: 15%, \"drop-fraction:vlm\": 0.1}}\n")
        XCTAssertEqual(file.base.gate, GateDefaults(alpha: 0.01, thresholds: ["latency-p99": 0.15, "drop-fraction:vlm": 0.1]))
        XCTAssertEqual(problem(Self.good + "\ngate: {thresholds: {\"latency-p99:gpu\": 15%}}\n")?.description,
                       "Scenarios/x.yaml:21 gate.thresholds: unknown worker \"gpu\" (known: person-detector, vlm)")
    }

    /// Edit distance suggests only what is close.
    func testDidYouMeanSuggestsOnlyCloseKeys() {
        XCTAssertEqual(didYouMean("worker", among: ScenarioReader.topKeys), "workers")
        XCTAssertEqual(didYouMean("repetitons", among: ScenarioReader.topKeys), "repetitions")
        XCTAssertNil(didYouMean("colour", among: ScenarioReader.topKeys))
        XCTAssertEqual(editDistance("kitten", "sitting"), 3)
    }

    func testMissingFileAndNonUTF8AreOneMessage() throws {
        XCTAssertEqual(try? ScenarioFile.load(path: "/nonexistent/x.yaml").name, nil)
        do {
            _ = try ScenarioFile.load(path: "/nonexistent/x.yaml")
        } catch {
            XCTAssertEqual(error.description, "/nonexistent/x.yaml:1: no such scenario file")
        }
    }
}

/// Load traces: a CSV read whole, each problem at its line and column.
final class LoadTraceFileTests: XCTestCase {
    private func scenario(trace csv: String, load: Bool = true, streams: Int = 4) throws -> (String, Result<ScenarioFile, ScenarioFileError>) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("trace-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("rooms.csv").path
        try csv.write(toFile: file, atomically: true, encoding: .utf8)
        let states = load ? "  load:\n    - {state: idle, fps: 0.5, dwell: 60s}\n    - {state: alert, fps: 5, dwell: 15s}\n" : ""
        let text = "streams: [2, \(streams)]\ncapture:\n\(states)  load-trace: \(file)\nworkers:\n  - kind: \"offload:10ms\"\n"
        return (file, Result { () throws(ScenarioFileError) in try ScenarioFile.parse(text, file: "Scenarios/x.yaml", defaultName: "x") })
    }

    func testAStateTraceIsReadIntoEachStreamsSteps() throws {
        let (_, result) = try scenario(trace: "time,stream,state\n0,0,idle\n# a comment\n0,3,alert\n12.5,0,alert\n\n40,0,idle\n")
        let file = try result.get()
        let trace = try XCTUnwrap(file.base.loadTrace)
        XCTAssertEqual(trace.streams[0], [.init(at: 0, state: 0), .init(at: 12_500_000_000, state: 1), .init(at: 40_000_000_000, state: 0)])
        XCTAssertEqual(trace.streams[3], [.init(at: 0, state: 1)])
        let four = file.scenario(streams: 4, topology: .independentPipelines).streamCaptures
        XCTAssertEqual(four.map { $0.trace?.count }, [3, nil, nil, 1], "streams the trace does not name keep their chain")
        XCTAssertNil(file.scenario(streams: 2, topology: .independentPipelines).streamCaptures[1].trace)
    }

    func testARateTraceMakesEachRateAState() throws {
        let (_, result) = try scenario(trace: "time,stream,fps\n0,1,2\n5,1,10\n9,1,2\n", load: false)
        let trace = try XCTUnwrap(try result.get().base.loadTrace)
        XCTAssertEqual(trace.profile.states.map(\.name), ["2 fps", "10 fps"])
        XCTAssertEqual(trace.streams[1]?.map(\.state), [0, 1, 0])
    }

    func testBadTracesAreNamedAtTheirLine() throws {
        let cases: [(csv: String, load: Bool, expected: String)] = [
            ("time,stream,state\n0,0,idle\n0,4,alert\n", true, "rooms.csv:3 stream: 4 is not a stream of the scenario (0–3)"),
            ("time,stream,state\n0,0,idle\n5,1,alarm\n", true, "rooms.csv:3 state: 'alarm' is not a state of capture.load (known: idle, alert)"),
            ("time,stream,state\n0,0,idle\n9,1,alert\n7,0,alert\n", true, "rooms.csv:4 time: 7 s goes back (the row before is at 9 s); rows in time order"),
            ("time,stream,state\n0,0\n", true, "rooms.csv:2: expected 3 fields (time,stream,state); got 2"),
            ("time,stream,state\n-1,0,idle\n", true, "rooms.csv:2 time: '-1' is not a time in seconds ≥ 0"),
            ("t,s,x\n0,0,idle\n", true, "rooms.csv:1: expected the header time,stream,state or time,stream,fps (times in seconds from the run's start)"),
            ("time,stream,fps\n0,0,45\n", false, "rooms.csv:2 fps: '45': expected a rate from 0.1 to 30 fps"),
            ("time,stream,state\n0,0,idle\n", false, "rooms.csv:1 state: a trace of states needs them in capture.load ({state: NAME, fps: N, dwell: …}); or give rates: time,stream,fps"),
            ("time,stream,state\n", true, "rooms.csv:1: no rows: expected at least one row after the header"),
        ]
        for item in cases {
            let (file, result) = try scenario(trace: item.csv, load: item.load)
            guard case .failure(let error) = result else { XCTFail("accepted: \(item.csv)"); continue }
            XCTAssertEqual(error.description.replacingOccurrences(of: file, with: "rooms.csv"), item.expected, item.csv)
        }
        let missing = Result { () throws(ScenarioFileError) in
            try ScenarioFile.parse("streams: 2\ncapture:\n  load-trace: /no/such/rooms.csv\nworkers:\n  - kind: pose\n", file: "x.yaml", defaultName: "x")
        }
        guard case .failure(let error) = missing else { return XCTFail("a missing trace was accepted") }
        XCTAssertEqual(error.description, "x.yaml:3 capture.load-trace: /no/such/rooms.csv: no such file")
    }
}

/// Batching on an accelerator: read whole, and every bad value named.
final class BatchSpecFileTests: XCTestCase {
    private func problem(_ batch: String, kind: String = "vlm", memory: String = "16") -> String? {
        let text = "streams: 4\ntopology: C\ndevices:\n  - {name: gpu0, memory-gb: \(memory)}\nworkers:\n  - kind: \(kind)\n    device: gpu0\n    shared: true\n    batch: \(batch)\n"
        do {
            let file = try ScenarioFile.parse(text, file: "x.yaml", defaultName: "x")
            try file.scenario(streams: 4, topology: .hybrid).validate()
            return nil
        } catch let error as ScenarioFileError {
            return error.description
        } catch {
            return "\(error)"
        }
    }

    func testABatchIsRead() throws {
        let file = try ScenarioFile.parse("""
            streams: 4
            topology: C
            devices:
              - {name: gpu0, memory-gb: 16}
            workers:
              - kind: vlm
                device: gpu0
                shared: true
                batch: {max: 4, wait: 20ms, curve: [1, 1.02, 1.05, 1.1], memory-gb: 0.5}
            """, file: "x.yaml", defaultName: "x")
        let batch = try XCTUnwrap(file.base.workers[0].batch)
        XCTAssertEqual(batch, BatchSpec(max: 4, wait: .milliseconds(20), time: .curve([1, 1.02, 1.05, 1.1]), memoryGBPerFrame: 0.5))
        XCTAssertEqual(batch.duration(solo: 500_000_000, size: 4), 550_000_000)
        XCTAssertEqual(BatchSpec(max: 4, wait: .seconds(0), time: .linear(extra: .milliseconds(5))).duration(solo: 200_000_000, size: 3), 210_000_000)
    }

    func testBadBatchesAreNamed() {
        XCTAssertEqual(problem("{max: 0}"), "x.yaml:9 workers[0].batch: expected a maximum batch from 1 to 256 frames (max: 0)")
        XCTAssertEqual(problem("{max: 4, wait: -5ms}"), "x.yaml:9 workers[0].batch.wait: '-5ms' is negative; a duration must be ≥ 0")
        XCTAssertEqual(problem("{max: 4, curve: [1, 1.1]}"), "x.yaml:9 workers[0].batch: expected a curve with a time for every batch size up to max (2 for max 4)")
        XCTAssertEqual(problem("{max: 3, curve: [1, 1.2, 1.1]}"), "x.yaml:9 workers[0].batch: expected a curve whose total time never falls with size (1.2 for 2, 1.1 for 3)")
        XCTAssertEqual(problem("{max: 4, extra: 5ms, curve: [1, 1, 1, 1]}"), "x.yaml:9 workers[0].batch: extra and curve both given: a batch's time is one or the other")
        XCTAssertEqual(problem("{max: 8, memory-gb: 1.5}", memory: "16"),
                       "x.yaml:9 workers[0].batch: 20 GB with a full batch: expected a model and a full batch that fit gpu0's 16 GB")
        XCTAssertEqual(problem("{max: 4}", kind: "pose"), "x.yaml:9 workers[0].batch: batch is for offload workers on an accelerator (a cpu:lognormal(50ms,8ms) worker serves one frame at a time)")
        XCTAssertEqual(problem("{max: 4, size: 3}"), "x.yaml:9 workers[0].batch: unknown key 'size'; allowed here: max, wait, extra, curve, memory-gb")
    }
}
