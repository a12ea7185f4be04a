import MailwardNet
import Testing

@Suite struct ConnectionCounterTests {
    @Test func anAddressIsHeldToItsShareAndThePortToItsTotal() {
        let counter = ConnectionCounter(maximum: 4, maximumPerAddress: 2)
        #expect(counter.admit("192.0.2.1") && counter.admit("192.0.2.1"))
        #expect(!counter.admit("192.0.2.1"))
        #expect(counter.admit("192.0.2.2"))
        // An address exempt from the share (a trusted proxy) still counts towards the total.
        #expect(counter.admit("127.0.0.1", limitedPerAddress: false))
        #expect(!counter.admit("127.0.0.1", limitedPerAddress: false))
        #expect(counter.total == 4 && counter.open(from: "192.0.2.1") == 2)
        counter.release("192.0.2.1")
        #expect(counter.open(from: "192.0.2.1") == 1 && counter.total == 3)
        #expect(counter.admit("192.0.2.1"))
        // Releasing what was never admitted changes nothing.
        counter.release("198.51.100.9")
        #expect(counter.total == 4)
        for address in ["192.0.2.1", "192.0.2.1", "192.0.2.2", "127.0.0.1"] { counter.release(address) }
        #expect(counter.total == 0 && counter.open(from: "192.0.2.1") == 0)
    }
}
