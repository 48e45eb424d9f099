package io.sluice.config;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

import static java.util.stream.Collectors.toMap;
import static org.assertj.core.api.Assertions.assertThat;

class ConfigKeysTest {
    /** Every public constant of ConfigKeys: its name and the key it holds. */
    private static Map<String, String> constants() {
        return Arrays.stream(ConfigKeys.class.getDeclaredFields())
                .filter(
                        f ->
                                Modifier.isStatic(f.getModifiers())
                                        && Modifier.isPublic(f.getModifiers()))
                .collect(toMap(Field::getName, ConfigKeysTest::valueOf));
    }

    private static String valueOf(Field field) {
        try {
            return (String) field.get(null);
        } catch (IllegalAccessException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theConstantsHoldExactlyTheKeysOfTheDefaultsFile() {
        // A key added to conf/sluice.properties without a constant, or a constant left behind by a
        // removed key, fails here.
        assertThat(constants().values())
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(
                        SluiceConfig.load(Map.of(), Map.of()).asMap().keySet());
    }

    @Test
    void eachConstantIsNamedAfterItsKey() {
        constants()
                .forEach(
                        (name, key) ->
                                assertThat(name)
                                        .as(key)
                                        .isEqualTo(
                                                key.toUpperCase(Locale.ROOT)
                                                        .replace('.', '_')
                                                        .replace('-', '_')));
    }
}
