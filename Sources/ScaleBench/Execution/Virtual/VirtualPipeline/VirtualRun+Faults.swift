/// Each fault's isolation figures (see ``FaultResult``), computed by the same
/// ``FaultIsolation`` as in real time from the virtual captures' and recorders' counts.
extension VirtualRun {
    func faultResults() -> [FaultResult] {
        var recordersByStream: [Int: [WorkerRecorder]] = [:]
        for (key, index) in recorderOf.sorted(by: { ($0.key.stream, $0.key.worker) < ($1.key.stream, $1.key.worker) }) {
            recordersByStream[key.stream, default: []].append(recorders[index])
        }
        return FaultIsolation.results(schedule: faults, plan: plan,
                                      published: Dictionary(uniqueKeysWithValues: captures.map { ($0.stream, $0.windows.frames) }),
                                      recordersByStream: recordersByStream, measuredStart: windowStart)
    }
}
