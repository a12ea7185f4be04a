import Foundation
import Configuration
@testable import MailwardConfig
import Testing

/// `mailward config defaults`: every key with its default, as a file that loads back into the defaults.
@Suite struct ConfigurationDefaultsTests {
    @Test func everyKeyReadHasItsDefault() throws {
        let asked = AskedKeys()
        _ = try ConfigurationLoader.parse(ConfigReader(providers: [InMemoryProvider(values: [:])]), asked: asked)
        let listed = try ConfigurationLoader.defaults().map(\.key)
        #expect(Set(listed) == asked.all)
        #expect(listed.count == Set(listed).count, "a key listed twice")
    }

    /// The printed file is valid YAML whose every value reads back as the default: the same
    /// configuration as none at all, and no key the loader does not know.
    @Test func thePrintedDefaultsLoadBackIntoTheDefaults() async throws {
        let yaml = try ConfigurationLoader.defaultsYAML()
        let loaded = try await ConfigurationLoader.load(yaml: yaml)
        #expect(loaded.unknownKeys == [])
        #expect(loaded == MailwardConfiguration())
        #expect(yaml.contains("\nsmtp:\n  port: 2525\n"))
        #expect(yaml.contains("\n  retry-schedule: \"5m, 15m, 30m, 1h, 2h, 4h\"\n"))
        #expect(yaml.contains("\n  authentication: \"off\"\n"), "YAML would read a bare off as false")
    }

    /// The defaults docs/configuration.md states (the table's second column, where it is one
    /// value in backticks) are the defaults in force.
    @Test func theDocumentedDefaultsAreTheDefaults() async throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/configuration.md")
        let rows = try String(contentsOf: docs, encoding: .utf8).split(separator: "\n").filter { $0.hasPrefix("| `") }
        var checked = 0
        for row in rows {
            let cells = row.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 3 else { continue }
            let keys = cells[1].split(separator: "`").enumerated().filter { $0.offset % 2 == 0 }.map { String($0.element) }
            let value = cells[2]
            guard keys.count == 1, value.hasPrefix("`"), value.hasSuffix("`"), value.filter({ $0 == "`" }).count == 2 else { continue }
            let yaml = DefaultsYAML.lines([(path: keys[0].split(separator: ".")[...], value: String(value.dropFirst().dropLast()))],
                                          depth: 0).joined(separator: "\n")
            // A Bool, not the two configurations: a mismatch names the key, not 60 settings.
            let isTheDefault = try await ConfigurationLoader.load(yaml: yaml) == MailwardConfiguration()
            #expect(isTheDefault, "docs/configuration.md gives \(keys[0]) the default \(value)")
            checked += 1
        }
        #expect(checked > 40, "only \(checked) documented defaults were read from the table")
    }

    @Test(arguments: [(0.25, "250ms"), (1, "1s"), (30, "30s"), (90, "90s"), (300, "5m"), (3600, "1h"), (5400, "90m"),
                      (14_400, "4h"), (432_000, "5d"), (1.5, "1500ms")])
    func durationsAreWrittenInTheirLargestUnit(_ seconds: Double, _ text: String) {
        #expect(DurationText.format(seconds) == text)
        #expect(DurationText.seconds(of: text) == seconds)
    }
}
