import Foundation
import XCTest
@testable import HematoTerminal

final class ThemeTests: XCTestCase {
    static let themes = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Themes")

    func testMissingKeysFallBackAndUnknownKeysAreReported() {
        let (theme, problems) = Theme.parse("title = red on blue bold\nsparkle = 3\nbar = chartreuse\n", name: "t")
        XCTAssertEqual(theme["title"], Style(foreground: 1, background: 4, bold: true))
        XCTAssertEqual(theme["bar"], Theme.builtIn["bar"], "a bad value keeps the default")
        XCTAssertEqual(theme["hint"], Theme.builtIn["hint"])
        XCTAssertEqual(problems.map(\.line), [2, 3])
        XCTAssertTrue(problems[0].text.contains("unknown key \"sparkle\""))
        XCTAssertTrue(problems[1].text.contains("chartreuse"))
    }

    func testEveryShippedThemeParsesCleanlyAndSetsEveryKey() throws {
        for name in ["dark", "light", "high-contrast", "monochrome"] {
            let text = try String(contentsOf: Self.themes.appendingPathComponent(name + ".theme"), encoding: .utf8)
            let (_, problems) = Theme.parse(text, name: name)
            XCTAssertEqual(problems, [], name)
            let keys = Set(text.split(separator: "\n").compactMap { l -> String? in
                l.hasPrefix("#") ? nil : l.split(separator: "=").first.map { $0.trimmingCharacters(in: .whitespaces) }
            })
            XCTAssertEqual(keys, Set(Theme.roleNames), name)
        }
        let dark = try String(contentsOf: Self.themes.appendingPathComponent("dark.theme"), encoding: .utf8)
        XCTAssertEqual(Theme.parse(dark, name: "dark").0.roles, Theme.builtIn.roles, "dark.theme is the built-in default")
    }

    func testNoColorKeepsOnlyAttributes() throws {
        let (theme, _) = try Theme.load(nil, environment: ["NO_COLOR": "1"])
        for (_, style) in theme.roles {
            XCTAssertNil(style.foreground)
            XCTAssertNil(style.background)
        }
        XCTAssertTrue(theme["title"].reverse, "a role with a background becomes reverse video")
    }

    func testAnUnknownThemeNameIsAnError() {
        XCTAssertThrowsError(try Theme.load("neon", environment: [:])) { error in
            XCTAssertTrue("\(error)".contains("no theme \"neon\" (shipped: dark, high-contrast, light, monochrome"), "\(error)")
        }
    }

    /// The shipped themes are compiled in; the text must not drift from Themes/*.theme.
    func testCompiledInThemesEqualTheirFilesByteForByte() throws {
        XCTAssertEqual(Set(Theme.shippedText.keys), ["light", "high-contrast", "monochrome"])
        for (name, text) in Theme.shippedText {
            let file = try Data(contentsOf: Self.themes.appendingPathComponent(name + ".theme"))
            XCTAssertEqual(Array(text.utf8), [UInt8](file), "ShippedThemes.swift's \(name) differs from Themes/\(name).theme; paste the file's text in")
        }
    }

    /// A binary installed on its own has no Themes/ folder anywhere near it or the working directory.
    func testShippedThemesLoadByNameFromAnyFolder() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("themes-\(UUID())")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let before = FileManager.default.currentDirectoryPath
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(empty.path))
        defer {
            FileManager.default.changeCurrentDirectoryPath(before)
            try? FileManager.default.removeItem(at: empty)
        }
        for name in ["light", "high-contrast", "monochrome"] {
            let (theme, warnings) = try Theme.load(name, environment: [:])
            let text = try String(contentsOf: Self.themes.appendingPathComponent(name + ".theme"), encoding: .utf8)
            XCTAssertEqual(theme, Theme.parse(text, name: name).0, name)
            XCTAssertEqual(warnings, [], name)
        }
        XCTAssertEqual(try Theme.load("dark", environment: [:]).0, Theme.builtIn)
        // A path still names a file of one's own.
        try "title = red\n".write(to: empty.appendingPathComponent("mine.theme"), atomically: true, encoding: .utf8)
        XCTAssertEqual(try Theme.load("mine.theme", environment: [:]).0["title"], Style(foreground: 1))
    }
}
