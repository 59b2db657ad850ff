// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "scalebench",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "ScaleBench", targets: ["ScaleBench"]),
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
        .systemLibrary(
            name: "CGSL",
            pkgConfig: "gsl",
            providers: [.apt(["libgsl-dev"])]
        ),
        // The workbench: frames, pipeline components, topologies, executors, telemetry.
        .target(
            name: "ScaleBench",
            dependencies: [
                "CFFmpeg",
                "CGSL",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // The results database: schema, migrations, runs and their metrics (GRDB, SQLite).
        .target(
            name: "ResultsStore",
            dependencies: [
                "ScaleBench",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        // Benchmarks of the workbench's own components, kept apart from the library.
        .target(
            name: "Benchmarks",
            dependencies: [
                "ScaleBench",
                "ResultsStore",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        // The CLI: thin ArgumentParser commands over the library.
        .executableTarget(
            name: "scalebench",
            dependencies: [
                "ScaleBench",
                "ResultsStore",
                "Benchmarks",
                "Evaluation",
                "Analysis",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Statistics over GSL: descriptive, bootstrap CIs, rank tests, fits, effect sizes.
        .target(name: "Analysis", dependencies: ["ScaleBench", "CGSL"]),
        .testTarget(name: "AnalysisTests", dependencies: ["Analysis", "ScaleBench"], exclude: ["Reference"]),
        // Questions answered from the results database: compare, report, gate.
        .target(name: "Evaluation", dependencies: ["Analysis", "ResultsStore", "ScaleBench"]),
        .testTarget(name: "EvaluationTests", dependencies: ["Evaluation", "Analysis", "ResultsStore", "ScaleBench"]),
        .testTarget(
            name: "ScaleBenchTests",
            dependencies: [
                "ScaleBench",
                "ResultsStore",
                "scalebench",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
    ]
)
