/// Structure-aware byte mutations for MIME inputs.
struct Mutator {
    let corpus: [[UInt8]]
    let maxSize: Int

    /// Fragments that steer mutations towards interesting parser states.
    static let tokens: [[UInt8]] = [
        "\r\n", "\n", "\r", "\r\n\r\n", "--", "--x", "--x--", "=?", "?=", "=?UTF-8?B?", "=?gbk?Q?", "=?utf-8*en?q?a_b?=", "=",
        "=\r\n", "=ZZ", "\"", "\\", "(", ")", "<", ">", "@", ",", ";", ":", "\u{0}",
        "Content-Type: multipart/mixed; boundary=x\r\n", "Content-Type: message/rfc822\r\n",
        "Content-Transfer-Encoding: base64\r\n", "Content-Transfer-Encoding: quoted-printable\r\n",
        "Content-Disposition: attachment; filename*0*=UTF-8''%E4%B8; filename*1*=%AD\r\n",
        "; charset=gb2312", "; charset=big5", "; charset=iso-2022-jp", "; boundary=\"x\"", " undisclosed:;",
        "\r\n\t", "\u{FF}", "\u{80}", "&amp;", "<script>", "<!--",
    ].map { Array($0.utf8) }

    init(corpus: [[UInt8]], maxSize: Int) {
        self.corpus = corpus
        self.maxSize = maxSize
    }

    mutating func next(_ rng: inout SplitMix64) -> [UInt8] {
        var data = corpus[Int.random(in: 0..<corpus.count, using: &rng)]
        let rounds = Int.random(in: 1...6, using: &rng)
        for _ in 0..<rounds { mutate(&data, &rng) }
        if data.count > maxSize { data.removeLast(data.count - maxSize) }
        return data
    }

    private func position(_ data: [UInt8], _ rng: inout SplitMix64) -> Int {
        data.isEmpty ? 0 : Int.random(in: 0...data.count, using: &rng)
    }

    private func mutate(_ data: inout [UInt8], _ rng: inout SplitMix64) {
        switch Int.random(in: 0..<9, using: &rng) {
        case 0:  // flip bits
            guard !data.isEmpty else { return }
            for _ in 0..<Int.random(in: 1...8, using: &rng) {
                data[Int.random(in: 0..<data.count, using: &rng)] ^= UInt8(1) << UInt8.random(in: 0...7, using: &rng)
            }
        case 1:  // random byte
            guard !data.isEmpty else { return }
            data[Int.random(in: 0..<data.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
        case 2, 3:  // insert a token
            data.insert(contentsOf: Self.tokens[Int.random(in: 0..<Self.tokens.count, using: &rng)], at: position(data, &rng))
        case 4:  // delete a range
            guard !data.isEmpty else { return }
            let a = Int.random(in: 0..<data.count, using: &rng)
            let n = min(data.count - a, Int.random(in: 1...64, using: &rng))
            data.removeSubrange(a..<(a + n))
        case 5:  // truncate
            guard !data.isEmpty else { return }
            data.removeLast(Int.random(in: 0..<data.count, using: &rng))
        case 6:  // splice with another seed
            let other = corpus[Int.random(in: 0..<corpus.count, using: &rng)]
            guard !other.isEmpty else { return }
            let a = Int.random(in: 0..<other.count, using: &rng)
            let b = min(other.count, a + Int.random(in: 1...4096, using: &rng))
            data.insert(contentsOf: other[a..<b], at: position(data, &rng))
        case 7:  // duplicate a chunk (nesting, repeated boundaries)
            guard !data.isEmpty else { return }
            let a = Int.random(in: 0..<data.count, using: &rng)
            let b = min(data.count, a + Int.random(in: 1...512, using: &rng))
            let chunk = Array(data[a..<b])
            for _ in 0..<Int.random(in: 1...4, using: &rng) { data.insert(contentsOf: chunk, at: position(data, &rng)) }
        default:  // replace line ends
            let toLF = Bool.random(using: &rng)
            data = toLF ? data.filter { $0 != 0x0D } : data.map { $0 == 0x0A ? 0x0D : $0 }
        }
    }
}
