import Foundation

/// Where a model file is looked for before the copy compiled into the binary is used: beside a
/// SwiftPM build, under the install prefix (`bin/` + `share/hematovision/`), or in the user's or
/// the system's XDG data folders, so that a file put there replaces the built-in model. SwiftPM's generated `Bundle.module` traps when its
/// bundle is missing (a binary copied out of `.build`), so it is only touched once the bundle's
/// folder is known to exist.
public enum ModelLocation {
    public static let fileName = "hematovision-mobilenetv2.safetensors"

    /// The folder SwiftPM copies HematoNet's resources to, beside the executable
    /// (`Bundle.main.bundleURL`, the first place the generated accessor looks).
    #if os(Linux)
    static let bundleName = "HematoVision_HematoNet.resources"
    #else
    static let bundleName = "HematoVision_HematoNet.bundle"
    #endif

    /// The places to look, in order: the resource bundle beside the binary, `<binary dir>/../share/hematovision`,
    /// `$XDG_DATA_HOME/hematovision` (default `~/.local/share`), then each of `$XDG_DATA_DIRS`
    /// (default `/usr/local/share:/usr/share`) + `/hematovision`. Relative XDG entries are ignored, as
    /// the XDG base directory specification says.
    public static func folders(environment: [String: String], bundleFolder: String, executableFolder: String) -> [String] {
        func absolute(_ value: String?) -> String? { value.flatMap { $0.hasPrefix("/") ? $0 : nil } }
        let home = absolute(environment["HOME"]) ?? NSHomeDirectory()
        let dataHome = absolute(environment["XDG_DATA_HOME"]) ?? home + "/.local/share"
        var dataDirs = (environment["XDG_DATA_DIRS"] ?? "").split(separator: ":").map(String.init).filter { $0.hasPrefix("/") }
        if dataDirs.isEmpty { dataDirs = ["/usr/local/share", "/usr/share"] }
        let share = URL(fileURLWithPath: executableFolder).appendingPathComponent("../share/hematovision").standardized.path
        return [bundleFolder + "/" + bundleName, share] + ([dataHome] + dataDirs).map { $0 + "/hematovision" }
    }

    /// The folders for this process (its executable's own place, symbolic links resolved).
    public static func folders(environment: [String: String] = ProcessInfo.processInfo.environment) -> [String] {
        let executable = Bundle.main.executableURL?.resolvingSymlinksInPath().deletingLastPathComponent().path
        return folders(environment: environment, bundleFolder: Bundle.main.bundleURL.path,
                       executableFolder: executable ?? Bundle.main.bundleURL.path)
    }

    /// The first model file found, or nil. The bundle goes through `Bundle.module` (which knows its
    /// layout on each platform), the other folders hold the file itself.
    public static func find(environment: [String: String] = ProcessInfo.processInfo.environment) -> (path: String?, looked: [String]) {
        let looked = folders(environment: environment)
        for (index, folder) in looked.enumerated() {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else { continue }
            if index == 0 {
                // The folder exists where the accessor looks first, so Bundle.module cannot trap.
                if let url = Bundle.module.url(forResource: "hematovision-mobilenetv2", withExtension: "safetensors") {
                    return (url.path, looked)
                }
            } else if FileManager.default.fileExists(atPath: folder + "/" + fileName) {
                return (folder + "/" + fileName, looked)
            }
        }
        return (nil, looked)
    }
}
