extension ReviewApp {
    /// What the command line and the config file chose for a review.
    public struct Options: Sendable {
        public var folder: String
        public var theme: Theme
        public var capabilities: TerminalCapabilities
        public var reviewer: String
        /// The lab learnt (--lab), named in a sign-off.
        public var lab: String?
        /// The keys: the review's, with the lab's own classes (ReviewerClasses.swift).
        public var keymap: Keymap = .review

        public init(folder: String, theme: Theme, capabilities: TerminalCapabilities, reviewer: String, lab: String? = nil,
                    keymap: Keymap = .review) {
            self.folder = folder
            self.theme = theme
            self.capabilities = capabilities
            self.reviewer = reviewer
            self.lab = lab
            self.keymap = keymap
        }
    }
}
