/// How the folder list shows folders below others (`项目/2026` below `项目`): indented under
/// the folder before it that is its parent, named by the rest of its name. A folder whose parent
/// is not right above it (none exists, or the list puts it elsewhere) stays at the top level
/// under its whole name — never indented under a folder that is not its parent.
enum FolderNesting {
    /// For `names` in display order: each one's depth and the label it is shown with (nil: its
    /// own display name, at the top level).
    static func levels(_ names: [String], separator: Character = "/") -> [(depth: Int, label: String?)] {
        var chain: [String] = []
        return names.map { name in
            while let last = chain.last, !name.hasPrefix(last + String(separator)) { chain.removeLast() }
            let label = chain.last.map { String(name.dropFirst($0.count + 1)) }
            let depth = chain.count
            chain.append(name)
            return (depth, label)
        }
    }

    /// The folders' order: INBOX, the special folders, then the others by name — each folder's
    /// subfolders right after it, as a name's separator sorts before any other character.
    static func sortKey(rank: Int, name: String, separator: Character = "/") -> (Int, String) {
        (rank, String(name.map { $0 == separator ? "\u{1}" : $0 }))
    }
}
