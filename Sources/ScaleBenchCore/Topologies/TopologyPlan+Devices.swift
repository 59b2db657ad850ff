import Random

/// Where a plan's model instances live, and whether they fit.
extension TopologyPlan {
    /// One placement per worker kind on a device: instances summed over every pipeline
    /// (option A multiplies them by N) and the shared pools.
    public var placements: [ModelPlacement] {
        var placements: [ModelPlacement] = []
        func add(_ spec: WorkerSpec, _ instances: Int) {
            guard let device = spec.device else { return }
            if let index = placements.firstIndex(where: { $0.worker == spec.name && $0.device == device }) {
                placements[index].instances += instances
            } else {
                placements.append(ModelPlacement(worker: spec.name, device: device, instances: instances,
                                                 modelMemoryGB: spec.batch?.memoryGB(model: spec.modelMemory) ?? spec.modelMemory))
            }
        }
        for pipeline in pipelines { for spec in pipeline.workers { add(spec, 1) } }
        for shared in shared { add(shared.spec, shared.instances) }
        return placements
    }

    /// The devices whose memory the plan's model instances exceed (empty: feasible).
    public func infeasibilities(devices: [DeviceSpec]) -> [DeviceInfeasibility] {
        DeviceFeasibility.check(placements, devices: devices)
    }

    /// Modelled model memory per device, GB, in the devices' order.
    public func modelMemory(devices: [DeviceSpec]) -> [(device: String, neededGB: Double, availableGB: Double)] {
        devices.map { device in
            (device.name, placements.filter { $0.device == device.name }.reduce(0) { $0 + $1.memoryGB }, device.memoryGB)
        }
    }
}
