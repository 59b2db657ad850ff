/// A process worker instance that was failed during a run, and why: its child exited,
/// hung, wrote garbage, sent a truncated or oversized reply, or rejected a frame.
public struct WorkerFailureResult: Sendable, Codable, Equatable {
    /// The instance (``RunInstances/Worker/name``) and its kind.
    public var instance: String
    public var worker: String
    /// What happened, as ``WorkerProcessFailure``'s kinds say it ("hung", "exited", …).
    public var kind: String
    public var detail: String
    /// When, ns from the run's start (its warm-up included).
    public var atNanos: UInt64
    /// A new child was started in its place.
    public var restarted: Bool

    public init(instance: String, worker: String, kind: String, detail: String, atNanos: UInt64, restarted: Bool) {
        self.instance = instance
        self.worker = worker
        self.kind = kind
        self.detail = detail
        self.atNanos = atNanos
        self.restarted = restarted
    }

    /// One line: the instance, what happened, and what followed.
    public var summary: String {
        "worker \(worker)@\(instance) \(kind): \(detail)\(restarted ? " (restarted)" : " (the instance stopped)")"
    }
}
