import HematoTerminal

/// The manual's sections that swift-argument-parser's generate-manual cannot write (KEYS,
/// ENVIRONMENT, FILES, EXIT STATUS, EXAMPLES), as mdoc. `Scripts/install.sh` appends them to the
/// generated page (`hematovision --manual-sections`, not listed in --help). The keys come from the
/// keymap and the examples from the list --help shows, so neither can drift from the program.
enum ManualSections {
    /// Command lines and what each does: `--help` shows them (each on a line of its own, so they
    /// fit 80 columns), the manual in a literal block.
    static let examples: [(command: String, does: String)] = [
        ("hematovision SampleImages", "review a folder (the same as `review SampleImages`)"),
        ("hematovision review --blind --reviewer ann slides/", "blind review, recorded as ann"),
        ("hematovision classify slides/ -o labels.csv", "classify without a screen"),
        ("hematovision classify slides/ --shard 2/8 -o part-2.csv", "one task of a Slurm array"),
        ("hematovision merge labels.csv part-*.csv", "join the tasks' files"),
        ("hematovision evaluate TEST/", "accuracy against class folders"),
        ("hematovision report SampleImages", "the differential and agreement of a review"),
        ("hematovision bench SampleImages", "speed on this machine"),
        ("hematovision show SampleImages/BloodImage_00001.jpg", "one picture and its prediction"),
    ]

    /// The examples for `--help`: each command on its own line, what it does indented below it,
    /// no line over 78 columns (ArgumentParser re-wraps longer ones at column 0).
    static var helpExamples: String {
        "Examples:\n" + examples.map { "  \($0.command)\n      \($0.does)" }.joined(separator: "\n")
    }

    /// Text for an mdoc line: a leading dot or quote would be read as a request, a backslash as an escape.
    static func text(_ s: String) -> String { "\\&" + s.replacingOccurrences(of: "\\", with: "\\e") }

    static var mdoc: String {
        var out: [String] = []
        out += [".Sh KEYS", "In", text("review") + ",", "one key per action, the same as the", text("?"), "screen lists.",
                "An Alt combination bound to nothing is Esc then the key; pasted text is refused as a whole (an open prompt takes it as text).",
                ".Bl -tag -width Ds"]
        for binding in Keymap.review.bindings {
            out.append(".It " + binding.keys.map { "Sy " + text($0.label) }.joined(separator: " Ns , "))
            out.append(text(binding.help))
        }
        out.append(".El")
        out += [".Sh ENVIRONMENT", ".Bl -tag -width Ds",
                ".It Ev HEMATOVISION_MODEL", "A model file to use instead of the bundled one (see", text("--model") + ").",
                ".It Ev HEMATOVISION_GRAPHICS", "How to show pictures when", text("--graphics"), "is not given: auto, kitty, sixel, blocks or none.",
                ".It Ev XDG_CONFIG_HOME", "Where the config file is (default", text("~/.config") + ").",
                ".It Ev XDG_DATA_HOME , XDG_DATA_DIRS", "Where labs and an installed model file are looked for (default",
                text("~/.local/share") + ",", text("/usr/local/share:/usr/share") + ").",
                ".It Ev USER , LOGNAME", "The reviewer's name in the journal when", text("--reviewer"), "is not given.",
                ".It Ev NO_COLOR , COLORTERM", "No colour at all; 24-bit colour for half-block pictures.",
                ".It Ev TMUX", "Inside tmux pictures pass through only with", text("set -g allow-passthrough on") + ".",
                ".El"]
        out += [".Sh FILES", ".Bl -tag -width Ds",
                ".It Pa FOLDER/labels.csv", "The labels, in the Kaggle blood-cells format", text("(,Image,Category)") + ", or the file given with",
                text("--output") + ".",
                ".It Pa FOLDER/labels.journal.jsonl", "Every decision, one JSON line each, written before the screen moves on (beside",
                text("--output") + ", its name with", text(".journal.jsonl") + ").",
                ".It Pa FOLDER/.labels.csv.lock", "The lock a review holds; a second reviewer is refused with the holder's name.",
                ".It Pa $XDG_CONFIG_HOME/hematovision/config", "Defaults set once:", text("key = value"), "lines for",
                text("lab") + ",", text("theme"), "and", text("graphics") + ".",
                ".It Pa $XDG_DATA_HOME/hematovision/labs/NAME.safetensors", "A lab: the head fitted on your decisions across folders",
                text("(--lab NAME)") + ".",
                ".It Pa PREFIX/share/hematovision/hematovision-mobilenetv2.safetensors", "A model file that replaces the one compiled in.",
                ".El"]
        out += [".Sh EXIT STATUS", ".Bl -tag -width Ds",
                ".It 0", "Success.",
                ".It 1", "A failure the message names: a file that could not be read or written, a folder locked by another review, an image that failed",
                ".It 64", "A usage error: an unknown command or option, a bad value.",
                ".It 130", "The review ended with Ctrl-C (128 + SIGINT); every decision made is saved.",
                ".It 129 , 143", "The review ended by SIGHUP (a dropped connection) or SIGTERM; every decision made is saved.",
                ".El"]
        out += [".Sh EXAMPLES"]
        for (n, e) in examples.enumerated() {
            out += (n > 0 ? [".Pp"] : []) + [text(e.does.prefix(1).uppercased() + e.does.dropFirst()) + ":",
                                              ".Bd -literal -offset indent", text(e.command), ".Ed"]
        }
        return out.joined(separator: "\n")
    }
}
