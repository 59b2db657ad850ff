import ScaleBenchCore

/// Captures that cost CPU (`decode-cpu`): each production is a job on the box's cores (or,
/// without a box, as long as its demand), then the frame waits for its due time or is late.
extension VirtualRun {
    /// Capture `index`'s frame is ready (produced, and its due time come or passed).
    mutating func ready(_ index: Int) {
        switch captures[index].ready(due: captures[index].nextDue, at: now, period: UInt64(captures[index].schedule.periodNanos)) {
        case .end: return
        case .skip: break
        case .publish: publish(captures[index].frame(at: now), into: captures[index].pipeline)
        }
        captures[index].nextDue = captures[index].schedule.next()
        let demand = captures[index].drawDecode()
        captures[index].productionStart = now
        if hasHost {
            hosts[0].add(job: firstCaptureJob + index, demand: demand, class: captureClass, at: now)
            armHost()
        } else {
            queue.schedule(.produced(stream: Int32(index)), at: now + demand)
        }
    }

    /// Capture `index` has produced its next frame: it waits for the due time, or is late.
    mutating func produced(_ index: Int) {
        guard !stopped else { return }
        captures[index].production.record(now - captures[index].productionStart)
        if now < captures[index].nextDue {
            queue.schedule(.arrival(stream: Int32(index)), at: captures[index].nextDue)
        } else {
            ready(index)
        }
    }
}
