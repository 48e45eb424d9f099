package io.sluice.update;

import io.sluice.update.WindowVersionVectors.Vector;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WindowVersionTest {
    static List<Vector> vectors() {
        return WindowVersionVectors.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void followsTheSharedVectors(Vector v) {
        assertEquals(
                v.newWins(),
                WindowVersion.supersedes(
                        v.windowStart(), v.revision(), v.heldStart(), v.heldRevision()),
                v.toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void withoutRevisionsTheWindowAloneDecidesAndTheSameWindowAgainWins(Vector v) {
        assertEquals(
                v.windowStart() >= v.heldStart(),
                WindowVersion.supersedes(v.windowStart(), v.heldStart()),
                v.toString());
    }

    @Test
    void theVectorsCoverEveryCase() {
        List<Vector> all = vectors();
        assertTrue(all.stream().anyMatch(v -> sameVersion(v) && v.newWins()), "an equal pair");
        assertTrue(
                all.stream()
                        .anyMatch(
                                v ->
                                        v.windowStart() < v.heldStart()
                                                && v.revision() > v.heldRevision()
                                                && !v.newWins()),
                "an older window with a higher revision");
        assertTrue(
                all.stream()
                        .anyMatch(
                                v ->
                                        v.windowStart() > v.heldStart()
                                                && v.revision() < v.heldRevision()
                                                && v.newWins()),
                "a later window with a lower revision");
        assertTrue(
                all.stream()
                        .anyMatch(
                                v ->
                                        v.windowStart() == v.heldStart()
                                                && v.revision() < v.heldRevision()
                                                && !v.newWins()),
                "an older revision of the same window");
    }

    private static boolean sameVersion(Vector v) {
        return v.windowStart() == v.heldStart() && v.revision() == v.heldRevision();
    }
}
