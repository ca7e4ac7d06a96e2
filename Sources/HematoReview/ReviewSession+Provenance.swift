/// Who set each label, as the screen and the counts tell it: a person's decisions are "reviewed";
/// the model's labels (written by classify or merge, ReviewSession.Source.model) are
/// "pre-labelled", and labels.csv's other labels are "from labels.csv". Only the first are
/// counted as reviewed: Tab, the gallery's pages and `A` treat the other two as open.
extension ReviewSession {
    /// The source of a label found in labels.csv that no person decided: the model's while its
    /// record says it wrote exactly this row, else the file's.
    func fileSource(_ categories: [String], image key: String) -> Source {
        preLabels.wrote(categories, forImage: key) ? .model : .file
    }

    /// Images whose label the model wrote and no person has decided yet.
    public var preLabelledCount: Int { sourceCounts[.model] ?? 0 }
    /// Images whose label was in labels.csv with nothing to say who chose it.
    public var importedCount: Int { sourceCounts[.file] ?? 0 }
    /// Images with any label.
    public var labelledCount: Int { labels.count }

    /// "3/30 reviewed · 27 pre-labelled": reviewed counts only what a person decided.
    public var progressText: String {
        (["\(reviewedCount)/\(names.count) reviewed"] + othersApart).joined(separator: " · ")
    }

    /// The count the review ends with: "16/16 labelled (3 reviewed · 13 pre-labelled)", the brackets only
    /// when some labels are not a person's.
    public var endingCount: String {
        let text = "\(labelledCount)/\(names.count) labelled"
        guard labelledCount != reviewedCount else { return text }
        return text + " (" + (["\(reviewedCount) reviewed"] + othersApart).joined(separator: " · ") + ")"
    }

    private var othersApart: [String] {
        (preLabelledCount > 0 ? ["\(preLabelledCount) pre-labelled"] : []) + (importedCount > 0 ? ["\(importedCount) from labels.csv"] : [])
    }

    /// What the screen says beside a label about who set it, a line each.
    public func originLines(_ label: Label) -> [String] {
        switch label.source {
        case .person: return ["set by a reviewer"]
        case .file: return ["from labels.csv"]
        case .model: return ["model's label, not reviewed", "(" + (preLabels.origin.isEmpty ? "classify" : preLabels.origin) + ")"]
        }
    }

    /// Blind review: a label the model wrote is its answer, so it stays hidden like the bars until a person decides.
    public func hidesLabel(_ index: Int) -> Bool {
        labels[index]?.source == .model && hidesPrediction(index)
    }
}
