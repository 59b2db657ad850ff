/// Each fault's isolation figures (see ``FaultResult``), computed by the same
/// ``FaultIsolation`` as in real time from the virtual captures' and recorders' counts.
extension VirtualRun {
    func faultResults() -> [FaultResult] {
        var windowsByStream: [Int: [WindowCounts]] = [:]
        for (key, index) in recorderOf.sorted(by: { ($0.key.stream, $0.key.worker) < ($1.key.stream, $1.key.worker) }) {
            windowsByStream[key.stream, default: []].append(recorders[index].windows)
        }
        return FaultIsolation.results(schedule: faults, plan: plan,
                                      published: Dictionary(uniqueKeysWithValues: captures.map { ($0.stream, $0.windows.frames) }),
                                      windowsByStream: windowsByStream, measuredStart: windowStart)
    }
}
