import Random

/// Values that users write as text (`50ms`, `lognormal(20ms,5ms)`, `1280x720`) are
/// stored in JSON as that same text, so results and scenarios read like the CLI.
protocol TextCodable: Codable, CustomStringConvertible {
    static func decode(text: String) -> Self?
    /// The text stored; the description unless that loses something.
    var storedText: String { get }
}

extension TextCodable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = Self.decode(text: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "cannot read '\(text)' as \(Self.self)")
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(storedText)
    }

    var storedText: String { description }
}

extension Duration: TextCodable {
    static func decode(text: String) -> Duration? { try? parse(text) }
}

extension ServiceDistribution: TextCodable {
    static func decode(text: String) -> ServiceDistribution? { try? parse(text) }
}

extension ArrivalProcess: TextCodable {
    static func decode(text: String) -> ArrivalProcess? { try? parse(text) }
}

extension Resolution: TextCodable {
    static func decode(text: String) -> Resolution? { Resolution(parsing: text) }
}

extension CostModel: TextCodable {
    static func decode(text: String) -> CostModel? { try? WorkerSpec.parse(text).cost }

    var storedText: String {
        switch self {
        case .offload(let d): return "offload:" + d.storedText
        case .cpu(let d): return "cpu:" + d.storedText
        case .pixels: return description
        case .process(let spec): return spec.storedText
        }
    }
}

extension VideoSource: TextCodable {
    static func decode(text: String) -> VideoSource? { VideoSource(parsing: text) }
}
