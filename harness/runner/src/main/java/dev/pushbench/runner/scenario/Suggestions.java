package dev.pushbench.runner.scenario;

import java.util.Collection;
import java.util.Locale;

/** Near-miss matching for "did you mean …?": keys, transport ids, units. */
final class Suggestions {

    private static final int MAX_EDITS = 2;

    private Suggestions() {
    }

    /**
     * The candidate {@code input} most likely meant, or null: one that equals it ignoring case and
     * punctuation ({@code HTTP/1.1} → {@code http1.1}), else the nearest within two edits, else one
     * it abbreviates ({@code long-poll} → {@code long-polling}). Ties go to the earlier candidate.
     */
    static String closest(String input, Collection<String> candidates) {
        String plain = normalize(input);
        for (String c : candidates) {
            if (normalize(c).equals(plain)) {
                return c;
            }
        }
        String best = null;
        int bestEdits = MAX_EDITS + 1;
        String lower = input.toLowerCase(Locale.ROOT);
        for (String c : candidates) {
            int edits = levenshtein(lower, c.toLowerCase(Locale.ROOT));
            if (edits < bestEdits && edits < input.length()) {
                best = c;
                bestEdits = edits;
            }
        }
        if (best != null) {
            return best;
        }
        for (String c : candidates) {
            if (plain.length() >= 4 && normalize(c).startsWith(plain)) {
                return c;
            }
        }
        return null;
    }

    static int levenshtein(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private static String normalize(String s) {
        return s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    }
}
