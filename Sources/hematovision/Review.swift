import ArgumentParser

struct Review: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Review a folder of images (the default command).")
    @Argument(help: "The folder to review.") var folder: String
    func run() throws { throw CommandFailure("review: not built yet") }
}
