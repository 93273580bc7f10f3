package net.jettymemcached.sessions.format;

import java.io.ByteArrayOutputStream;

import net.jettymemcached.sessions.security.Signer;
import org.eclipse.jetty.session.SessionData;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Which appended access records count: with a signing key only those authenticated for this very session and copy,
 * the one with the latest access time winning (an older record replayed changes nothing); without a key those
 * intact. Everything else is ignored and counted.
 */
class AccessRecordsTest
{
    private static final String ID = "abcdefghijklmnopqrstuvwxyz012345-n1";
    private final AccessRecords signed = new AccessRecords(Signer.parse("access-records-test-key-0123456789"));
    private final SessionData session = new SessionData(ID, "_shop", "0.0.0.0", 1, 2, 3, 1_800_000);

    private static byte[] value(byte[]... records)
    {
        ByteArrayOutputStream value = new ByteArrayOutputStream();
        value.writeBytes(StoredValue.frame(new byte[0]));
        for (byte[] record : records)
            value.writeBytes(record);
        return value.toByteArray();
    }

    private static AccessRecord record(long generation, long accessed, long maxInactiveMs)
    {
        return new AccessRecord(generation, accessed, accessed, accessed, accessed + maxInactiveMs, maxInactiveMs);
    }

    private AccessRecords.Scan scan(AccessRecords records, byte[] value, long generation)
    {
        return records.scan(value, 4, generation, session);
    }

    @Test
    void signedRecordsOfThisSessionCountAndTheLatestAccessWins()
    {
        AccessRecord newer = record(7, 2_000, 60_000);
        byte[] value = value(signed.encode(record(7, 1_000, 60_000), session), signed.encode(newer, session), signed.encode(record(7, 1_500, 60_000), session));
        AccessRecords.Scan scan = scan(signed, value, 7);
        assertEquals(newer, scan.latest(), "a replayed older record must not roll the access state back");
        assertEquals(3, scan.counted());
        assertEquals(0, scan.ignored());
    }

    @Test
    void withAKeyForgedForeignAndOtherCopiesRecordsAreIgnored()
    {
        AccessRecord good = record(7, 1_000, 60_000);
        SessionData other = new SessionData("zyxwvutsrqponmlkjihgfedcba543210-n1", "_shop", "0.0.0.0", 1, 2, 3, 1_800_000);
        SessionData otherVhost = new SessionData(ID, "_shop", "other.example", 1, 2, 3, 1_800_000);
        byte[] tampered = signed.encode(record(7, 9_000, -1), session);
        tampered[40] ^= 1;
        byte[] value = value(signed.encode(good, session),
            AccessRecords.UNSIGNED.encode(record(7, 9_000, -1), session), // a CRC record: anyone can write one
            signed.encode(record(7, 9_000, -1), other),                   // another session's
            signed.encode(record(7, 9_000, -1), otherVhost),              // the same id under another virtual host
            signed.encode(record(6, 9_000, -1), session),                 // appended to an older copy
            tampered);
        AccessRecords.Scan scan = scan(signed, value, 7);
        assertEquals(good, scan.latest());
        assertEquals(1, scan.counted());
        assertEquals(5, scan.ignored());
        assertEquals(6, StoredValue.parse(value, signed, session).ignored(), "an empty envelope has generation 0: no record of generation 7 counts");
    }

    @Test
    void withoutAKeyIntactRecordsCountAndSignedOnesCannotBeRead()
    {
        AccessRecord plain = record(7, 1_000, 60_000);
        byte[] damaged = AccessRecords.UNSIGNED.encode(record(7, 5_000, 60_000), session);
        damaged[10] ^= 1;
        byte[] value = value(AccessRecords.UNSIGNED.encode(plain, session), signed.encode(record(7, 9_000, -1), session), damaged);
        AccessRecords.Scan scan = scan(AccessRecords.UNSIGNED, value, 7);
        assertEquals(plain, scan.latest());
        assertEquals(2, scan.ignored());
    }

    @Test
    void aTruncatedOrUnframedTailIsIgnored()
    {
        byte[] whole = signed.encode(record(7, 1_000, 60_000), session);
        byte[] value = value(whole, new byte[]{'A', 'S', 1, 2, 3});
        assertEquals(1, scan(signed, value, 7).ignored());
        assertNull(scan(signed, value(new byte[]{'X', 'Y', 0, 0}), 7).latest());
    }
}
