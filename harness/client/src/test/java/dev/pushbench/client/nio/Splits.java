package dev.pushbench.client.nio;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.util.stream.IntStream;

/** How the nio parsers' tests cut their input: every split position, and byte-array helpers. */
final class Splits {
    private Splits() {
    }

    /** Every position for small streams; for large ones every position near either end and a stride between. */
    static int[] positions(int length) {
        if (length <= 16_384) {
            return IntStream.rangeClosed(0, length).toArray();
        }
        int edge = 300;
        return IntStream.concat(
                IntStream.concat(IntStream.rangeClosed(0, edge), IntStream.iterate(edge + 4_093, p -> p < length - edge, p -> p + 4_093)),
                IntStream.rangeClosed(length - edge, length)).toArray();
    }

    /** Strings as UTF-8, byte arrays as they are. */
    static byte[] cat(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object part : parts) {
            out.writeBytes(part instanceof byte[] ? (byte[]) part : ((String) part).getBytes(UTF_8));
        }
        return out.toByteArray();
    }

    static String letters(int count) {
        char[] chars = new char[count];
        for (int i = 0; i < count; i++) {
            chars[i] = (char) ('a' + i % 26);
        }
        return new String(chars);
    }
}
