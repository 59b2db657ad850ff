import Foundation
@testable import ScaleBenchCore
@testable import RuntimeSupport
@testable import Video
@testable import Realtime
@testable import Simulated
@testable import Orchestration
import Random
import TestSupport
import XCTest

/// The device policies, exactly: processor sharing in virtual time, and memory feasibility.
final class DeviceTests: XCTestCase {
    private let ms: UInt64 = 1_000_000

    // MARK: sharing curves

    func testDividedSharingSlowsEachJobByTheNumberOfJobs() {
        for k in 1...5 {
            XCTAssertEqual(DeviceSharing.divided.perJobSpeed(concurrentJobs: k), 1 / Double(k))
        }
    }

    func testEfficiencyCurveGivesTotalThroughputAndHoldsItsLastValue() {
        let sharing = DeviceSharing.efficiency([1, 1.6, 1.9, 2.0])
        XCTAssertEqual(sharing.perJobSpeed(concurrentJobs: 1), 1)
        XCTAssertEqual(sharing.perJobSpeed(concurrentJobs: 2), 0.8)
        XCTAssertEqual(sharing.perJobSpeed(concurrentJobs: 3), 1.9 / 3)
        XCTAssertEqual(sharing.perJobSpeed(concurrentJobs: 4), 0.5)
        XCTAssertEqual(sharing.perJobSpeed(concurrentJobs: 8), 0.25)
    }

    func testDeviceSharingReadsAndWritesTheScenarioText() throws {
        XCTAssertEqual(try DeviceSharing.parse("divided"), .divided)
        XCTAssertEqual(try DeviceSharing.parse(" Efficiency(1, 1.6,1.9) "), .efficiency([1, 1.6, 1.9]))
        XCTAssertEqual(DeviceSharing.efficiency([1, 1.6, 1.9]).description, "efficiency(1,1.6,1.9)")
        XCTAssertThrowsError(try DeviceSharing.parse("shared"))
        XCTAssertThrowsError(try DeviceSharing.parse("efficiency()"))
        XCTAssertThrowsError(try DeviceSharing.parse("efficiency(1,-2)"))
        XCTAssertThrowsError(try DeviceSharing.parse("efficiency(1,,2)"))
        XCTAssertEqual(try DeviceSharing.parse(DeviceSharing.efficiency([0.9, 1.25]).description), .efficiency([0.9, 1.25]))

        let spec = DeviceSpec(name: "gpu0", memoryGB: 24, sharing: .efficiency([1, 1.6]))
        let json = try JSONEncoder().encode(spec)
        XCTAssertTrue(String(decoding: json, as: UTF8.self).contains("\"efficiency(1,1.6)\""))
        XCTAssertEqual(try JSONDecoder().decode(DeviceSpec.self, from: json), spec)
    }

    // MARK: processor sharing

    func testTwoJobsArrivingTogetherOnADividedDeviceFinishTogether() {
        var device = ProcessorSharing(sharing: .divided)
        device.add(job: 0, work: 100 * ms, at: 0)
        device.add(job: 1, work: 100 * ms, at: 0)
        XCTAssertEqual(device.nextCompletion()?.job, 0, "ties go to the first arrival")
        XCTAssertEqual(device.nextCompletion()?.at, 200 * ms)
        XCTAssertEqual(device.projectedCompletion(of: 1), 200 * ms)

        device.advance(to: 200 * ms - 1)
        XCTAssertFalse(device.isFinished(job: 0))
        XCTAssertEqual(device.remainingWork(job: 0), 0.5)
        device.advance(to: 200 * ms)
        XCTAssertTrue(device.isFinished(job: 0))
        XCTAssertTrue(device.isFinished(job: 1))
        XCTAssertNil(device.nextCompletion())

        XCTAssertEqual(device.busyNanos, Double(200 * ms))
        XCTAssertEqual(device.concurrencyNanos, Double(400 * ms))
        XCTAssertEqual(device.meanConcurrency, 2)
        XCTAssertEqual(device.maxConcurrency, 2)
        XCTAssertEqual(device.completedJobs, 2)
    }

    /// A alone for 50 ms, then B joins: A's last 50 ms take 100 ms at half speed (ends at
    /// 150 ms); B got 50 ms of service meanwhile and does the rest alone (ends at 200 ms;
    /// the device never idles, so the last of 200 ms of work must end at 200 ms).
    func testAJobJoinedMidwayShareTheDeviceUntilTheFirstFinishes() {
        var device = ProcessorSharing(sharing: .divided)
        device.add(job: 0, work: 100 * ms, at: 0)
        XCTAssertEqual(device.projectedCompletion(of: 0), 100 * ms)
        device.add(job: 1, work: 100 * ms, at: 50 * ms)
        XCTAssertEqual(device.projectedCompletion(of: 0), 150 * ms)
        XCTAssertEqual(device.projectedCompletion(of: 1), 200 * ms, "speeds up when the first leaves")

        device.advance(to: 150 * ms)
        XCTAssertTrue(device.isFinished(job: 0))
        XCTAssertEqual(device.remainingWork(job: 1), Double(50 * ms))
        XCTAssertEqual(device.activeJobs, 1, "a finished job no longer shares the device, removed or not")
        device.remove(job: 0, at: 150 * ms)
        XCTAssertEqual(device.nextCompletion()?.at, 200 * ms)
        device.advance(to: 200 * ms)
        XCTAssertTrue(device.isFinished(job: 1))

        XCTAssertEqual(device.busyNanos, Double(200 * ms))
        XCTAssertEqual(device.concurrencyNanos, Double(300 * ms))  // 50×1 + 100×2 + 50×1
        XCTAssertEqual(device.meanConcurrency, 1.5)
        XCTAssertEqual(device.maxConcurrency, 2)
    }

    func testAnEfficiencyCurveRoundsCompletionUpToAWholeNanosecond() {
        var device = ProcessorSharing(sharing: .efficiency([1, 1.5]))
        device.add(job: 0, work: 100 * ms, at: 0)
        device.add(job: 1, work: 100 * ms, at: 0)
        // Each runs at 0.75: 100 ms / 0.75 = 133 333 333.3 ns.
        XCTAssertEqual(device.nextCompletion()?.at, 133_333_334)
        device.advance(to: 133_333_333)
        XCTAssertFalse(device.isFinished(job: 0))
        device.advance(to: 133_333_334)
        XCTAssertTrue(device.isFinished(job: 0))
        XCTAssertTrue(device.isFinished(job: 1))

        XCTAssertEqual(device.busyNanos, 1e8 / 0.75, accuracy: 1e-3)
        XCTAssertEqual(device.meanConcurrency, 2, accuracy: 1e-12)
        XCTAssertEqual(device.maxConcurrency, 2)
        XCTAssertEqual(device.completedJobs, 2)
    }

    /// Advancing once over an interval in which a job finishes gives the same state as
    /// advancing often: progress is piecewise, so a rarely-woken caller sees exact times.
    func testAdvancingRarelyOrOftenGivesTheSameResult() {
        func run(stepNanos: UInt64) -> ProcessorSharing {
            var device = ProcessorSharing(sharing: .efficiency([1, 1.6, 1.9]))
            device.add(job: 0, work: 30 * ms, at: 0)
            device.add(job: 1, work: 70 * ms, at: 0)
            device.add(job: 2, work: 50 * ms, at: 10 * ms)
            var t = 10 * ms
            while t < 200 * ms {
                t += stepNanos
                device.advance(to: t)
            }
            return device
        }
        let rare = run(stepNanos: 190 * ms), often = run(stepNanos: ms / 7)
        XCTAssertEqual(rare.completedJobs, 3)
        XCTAssertEqual(often.completedJobs, 3)
        XCTAssertEqual(rare.busyNanos, often.busyNanos, accuracy: 1e-3)
        XCTAssertEqual(rare.concurrencyNanos, often.concurrencyNanos, accuracy: 1e-3)
    }

    /// The contract the realtime gate relies on: a job that waits until its projected
    /// completion finds itself finished, however the others arrived.
    func testAJobAdvancedToItsProjectedCompletionIsFinished() {
        var device = ProcessorSharing(sharing: .efficiency([1, 1.6, 1.9, 2.0]), start: 1_000_000_007)
        let works: [UInt64] = [12_345_679, 33_333_333, 7_777_777, 50_000_001, 1]
        for (job, work) in works.enumerated() {
            device.add(job: job, work: work, at: device.time + UInt64(job) * 1_234_567)
        }
        var finished = Set<Int>()
        while let next = device.nextCompletion() {
            let projected = device.projectedCompletion(of: next.job)!
            XCTAssertEqual(projected, next.at)
            device.advance(to: projected - 1)
            XCTAssertFalse(device.isFinished(job: next.job), "job \(next.job) finished before its projection")
            device.advance(to: projected)
            XCTAssertTrue(device.isFinished(job: next.job), "job \(next.job) not finished at its projection")
            device.remove(job: next.job, at: projected)
            finished.insert(next.job)
        }
        XCTAssertEqual(finished, Set(works.indices))
        XCTAssertEqual(device.completedJobs, works.count)
    }

    func testIdleTimeIsNotBusyAndACancelledJobStopsSharing() {
        var device = ProcessorSharing(sharing: .divided)
        device.add(job: 0, work: 10 * ms, at: 0)
        device.advance(to: 100 * ms)
        device.add(job: 1, work: 100 * ms, at: 100 * ms)
        device.add(job: 2, work: 100 * ms, at: 100 * ms)
        device.remove(job: 2, at: 120 * ms)  // cancelled: job 1 got 10 ms of its 100
        XCTAssertEqual(device.projectedCompletion(of: 1), 210 * ms)
        device.advance(to: 300 * ms)
        XCTAssertEqual(device.busyNanos, Double(120 * ms))  // 10 + 20 + 90
        XCTAssertEqual(device.completedJobs, 2, "a cancelled job is not completed")
    }

    func testAJobWithoutWorkIsFinishedOnArrival() {
        var device = ProcessorSharing(sharing: .divided)
        device.add(job: 0, work: 0, at: 5)
        XCTAssertTrue(device.isFinished(job: 0))
        XCTAssertEqual(device.projectedCompletion(of: 0), 5)
        XCTAssertNil(device.nextCompletion())
        XCTAssertEqual(device.busyNanos, 0)
        XCTAssertEqual(device.maxConcurrency, 0)
        XCTAssertFalse(device.isFinished(job: 1), "an unknown job is not finished")
    }

    // MARK: memory feasibility

    func testFourVLMInstancesDoNotFitOnA24GBDevice() {
        let devices = [DeviceSpec(name: "gpu0", memoryGB: 24)]
        let problems = DeviceFeasibility.check([ModelPlacement(worker: "vlm", device: "gpu0", instances: 4, modelMemoryGB: 8)],
                                               devices: devices)
        XCTAssertEqual(problems.count, 1)
        XCTAssertEqual(problems.first?.device, "gpu0")
        XCTAssertEqual(problems.first?.neededGB, 32)
        XCTAssertEqual(problems.first?.availableGB, 24)
        XCTAssertEqual(problems.first?.description, "gpu0: needs 32.0 GB (vlm 4 × 8.0 GB) but has 24.0 GB")
    }

    func testOneVLMInstanceFitsAndAFullDeviceFitsExactly() {
        let devices = [DeviceSpec(name: "gpu0", memoryGB: 24)]
        XCTAssertEqual(DeviceFeasibility.check([ModelPlacement(worker: "vlm", device: "gpu0", instances: 1, modelMemoryGB: 8)],
                                               devices: devices), [])
        XCTAssertEqual(DeviceFeasibility.check([ModelPlacement(worker: "vlm", device: "gpu0", instances: 3, modelMemoryGB: 8)],
                                               devices: devices), [])
        XCTAssertEqual(DeviceFeasibility.check([ModelPlacement(worker: "tiny", device: "gpu0", instances: 3, modelMemoryGB: 0.1)],
                                               devices: [DeviceSpec(name: "gpu0", memoryGB: 0.3)]), [], "no floating-point false alarm")
    }

    func testWorkersOnTheSameDeviceAreSummedAndReportedInDeviceOrder() {
        let devices = [DeviceSpec(name: "gpu0", memoryGB: 24), DeviceSpec(name: "gpu1", memoryGB: 16)]
        let vlm = ModelPlacement(worker: "vlm", device: "gpu1", instances: 2, modelMemoryGB: 8)
        let detector = ModelPlacement(worker: "detector", device: "gpu1", instances: 4, modelMemoryGB: 0.25)
        let pose = ModelPlacement(worker: "pose", device: "gpu0", instances: 2, modelMemoryGB: 12.5)
        let fitting = ModelPlacement(worker: "vlm", device: "gpu0", instances: 1, modelMemoryGB: 8)
        XCTAssertEqual(DeviceFeasibility.check([vlm, fitting], devices: devices), [], "16 GB on gpu1, 8 GB on gpu0")

        let problems = DeviceFeasibility.check([vlm, detector, pose], devices: devices)
        XCTAssertEqual(problems.map(\.device), ["gpu0", "gpu1"])
        XCTAssertEqual(problems[1].neededGB, 17)
        XCTAssertEqual(problems[1].placements, [vlm, detector])
        XCTAssertEqual(problems[1].description, "gpu1: needs 17.0 GB (vlm 2 × 8.0 GB + detector 4 × 0.25 GB) but has 16.0 GB")
        XCTAssertEqual(problems[0].description, "gpu0: needs 25.0 GB (pose 2 × 12.5 GB) but has 24.0 GB")
    }

    func testAPlacementOnAnUndeclaredDeviceIsReported() {
        let problems = DeviceFeasibility.check([ModelPlacement(worker: "vlm", device: "gpu9", instances: 1, modelMemoryGB: 8)],
                                               devices: [DeviceSpec(name: "gpu0", memoryGB: 24)])
        XCTAssertEqual(problems.map(\.description), ["gpu9: needs 8.0 GB (vlm 1 × 8.0 GB) but no device gpu9 is declared"])
    }
}
