import Foundation

/// The built `mailward` executable: `MAILWARD_BIN`, else beside the test bundle, else the
/// package's debug build.
public enum Binary {
    public static var mailward: URL {
        if let explicit = ProcessInfo.processInfo.environment["MAILWARD_BIN"] { return URL(fileURLWithPath: explicit) }
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("mailward")
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return packageRoot.appendingPathComponent(".build/debug/mailward")
    }
}
