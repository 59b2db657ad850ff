// swift-tools-version: 6.0
import PackageDescription

// Targets along DESIGN.md's picture, so that its one-way dependencies are compiler rules:
//
//   Random ◄── ScaleBenchCore ◄── RuntimeSupport ◄── Video ◄── Realtime ◄─┐
//     ▲            ▲   ▲   ▲                                               │
//     │            │   │   └── Simulated ◄─────────────────────────────────┤
//  Analysis ◄──────┼── Evaluation ◄── ResultsStore                         ├── Orchestration ◄── scalebench
//                  └───────────────────────┘                               │
//                                                            Benchmarks ◄──┘
// The event loop calls Core's policies (slots, frame-buffers, measurements, generators)
// once or more per event; across module boundaries, unspecialised generics and calls that
// cannot be inlined made it three times slower than as one module (Reports/benchmarks.md).
// Full cross-module optimisation lets release builds specialise and inline them again.
let crossModule: [SwiftSetting] = [.unsafeFlags(["-cross-module-optimization"], .when(configuration: .release))]

let package = Package(
    name: "scalebench",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "ScaleBenchCore", targets: ["ScaleBenchCore"]),
        .executable(name: "scalebench", targets: ["scalebench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        // System libraries: module maps and shims only.
        .systemLibrary(
            name: "CFFmpeg",
            pkgConfig: "libavformat",
            providers: [.apt(["libavformat-dev", "libavcodec-dev", "libavutil-dev", "libswscale-dev"])]
        ),
        .systemLibrary(name: "CGSL", pkgConfig: "gsl", providers: [.apt(["libgsl-dev"])]),

        // Seeded generators over GSL: all that Analysis needs of the workbench.
        .target(name: "Random", dependencies: ["CGSL"], swiftSettings: crossModule),
        // Pure values: scenario model, topology plan and its instances, policies, telemetry
        // values and the one result assembler. No threads, no clocks, no FFmpeg, no I/O.
        .target(
            name: "ScaleBenchCore",
            dependencies: ["Random", "CGSL", .product(name: "Histogram", package: "hdrhistogram-swift"),
                           .product(name: "Yams", package: "Yams")],
            swiftSettings: crossModule
        ),
        // Linux calls Swift's Glibc module does not declare (CPU affinity).
        .target(name: "CRuntime"),
        // The operating system's clocks, locks, threads, CPU affinity and process figures.
        .target(name: "RuntimeSupport", dependencies: ["ScaleBenchCore", "CRuntime"], swiftSettings: crossModule),
        // Frame sources: synthetic, recorded and live video through libavformat/libavcodec, probe.
        .target(name: "Video", dependencies: ["ScaleBenchCore", "RuntimeSupport", "CFFmpeg", "Random"], swiftSettings: crossModule),
        // OS threads over Core: FrameSupplier, FrameBuffer, workers, device gates, the executor.
        .target(name: "Realtime", dependencies: ["ScaleBenchCore", "RuntimeSupport", "CRuntime", "Video", "Random"], swiftSettings: crossModule),
        // The event queue and the virtual components over the same Core.
        .target(name: "Simulated", dependencies: ["ScaleBenchCore", "Random"], swiftSettings: crossModule),
        // The results database (GRDB, SQLite): schema, migrations, runs and their metrics. Stores, never runs.
        .target(
            name: "ResultsStore",
            dependencies: ["ScaleBenchCore", "Random", .product(name: "GRDB", package: "GRDB.swift"),
                           .product(name: "GRDBSQLite", package: "GRDB.swift"),
                           .product(name: "Histogram", package: "hdrhistogram-swift")]
        ),
        // Statistics over GSL: descriptive, bootstrap CIs, rank tests, fits, effect sizes.
        .target(name: "Analysis", dependencies: ["Random", "CGSL"]),
        // Questions answered from the results database: compare, report, checkpoint, gate, capacity.
        .target(name: "Evaluation", dependencies: ["Analysis", "ResultsStore", "ScaleBenchCore"]),
        // Run modes, matrices, sweeps, calibration: the only place that calls executors and the store together.
        .target(
            name: "Orchestration",
            dependencies: ["ScaleBenchCore", "RuntimeSupport", "Video", "Realtime", "Simulated", "ResultsStore", "Evaluation",
                           "Analysis", "Random"]
        ),
        // Benchmarks of the workbench's own components, kept apart from the library.
        .target(
            name: "Benchmarks",
            dependencies: ["ScaleBenchCore", "RuntimeSupport", "Video", "Realtime", "Simulated", "ResultsStore", "Orchestration",
                           .product(name: "Histogram", package: "hdrhistogram-swift")]
        ),
        // The CLI: parse, one call, render.
        .executableTarget(
            name: "scalebench",
            dependencies: ["Orchestration", "Benchmarks", "Evaluation", "Analysis", "ResultsStore", "Realtime", "Simulated",
                           "Video", "RuntimeSupport", "ScaleBenchCore", "Random",
                           .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),

        .testTarget(name: "AnalysisTests", dependencies: ["Analysis", "Random"], exclude: ["Reference"]),
        // Simulated runs stored through Orchestration give the report's batching section real rows.
        .testTarget(name: "EvaluationTests", dependencies: ["Evaluation", "Analysis", "ResultsStore", "ScaleBenchCore", "Random",
                                                            "Simulated", "Orchestration", "TestSupport", .product(name: "GRDB", package: "GRDB.swift")]),
        // Shared by the test targets: fixtures, the CLI as a subprocess, waits on state.
        .target(name: "TestSupport", dependencies: ["ScaleBenchCore", "RuntimeSupport", "Video", "Realtime", "Simulated", "ResultsStore", "Orchestration", "Random"], path: "Tests/TestSupport"),
        // One test target per source area; wall-clock behaviour lives in RealtimeChecks.
        .testTarget(name: "CoreTests", dependencies: ["ScaleBenchCore", "RuntimeSupport", "Video", "Realtime", "Simulated", "ResultsStore", "Orchestration", "Random", "TestSupport"]),
        .testTarget(name: "VideoTests", dependencies: ["ScaleBenchCore", "RuntimeSupport", "Video", "Realtime", "Simulated", "ResultsStore", "Orchestration", "Random", "TestSupport", "scalebench"]),
        .testTarget(name: "RealtimeTests", dependencies: ["ScaleBenchCore", "RuntimeSupport", "Video", "Realtime", "Simulated", "ResultsStore", "Orchestration", "Random", "TestSupport"]),
        .testTarget(name: "SimulatedTests", dependencies: ["ScaleBenchCore", "RuntimeSupport", "Video", "Realtime", "Simulated", "ResultsStore", "Orchestration", "Random", "TestSupport"]),
        .testTarget(
            name: "ResultsStoreTests",
            dependencies: ["ScaleBenchCore", "RuntimeSupport", "Video", "Realtime", "Simulated", "ResultsStore", "Orchestration", "Random", "TestSupport", "scalebench", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "CLITests",
            dependencies: ["ScaleBenchCore", "RuntimeSupport", "Video", "Realtime", "Simulated", "ResultsStore", "Orchestration", "Random", "TestSupport", "scalebench", .product(name: "GRDB", package: "GRDB.swift"),
                           .product(name: "Yams", package: "Yams")]
        ),
        // Real time on this machine's clock: fps windows, latency bounds, agreement with
        // simulated time. Generous tolerances; CI runs them like every other target.
        .testTarget(
            name: "RealtimeChecks",
            dependencies: ["ScaleBenchCore", "RuntimeSupport", "Video", "Realtime", "Simulated", "ResultsStore", "Orchestration", "Random", "TestSupport", "scalebench", .product(name: "Histogram", package: "hdrhistogram-swift"),
                           .product(name: "GRDB", package: "GRDB.swift")]
        ),
    ]
)
