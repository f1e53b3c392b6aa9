package io.pathprobe.testkit;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 support: skips the whole class when labs cannot run here ({@link NetLab#assumeAvailable()}), and
 * passes a fresh {@link NetLab} to any test method (or {@code @BeforeEach}) parameter of that type, closing it
 * after the test whatever happened.
 *
 * <pre>{@code
 * @Tag("netns")
 * @ExtendWith(NetLabExtension.class)
 * class PathTest {
 *     @Test
 *     void pings(NetLab lab) { ... }
 * }
 * }</pre>
 * A {@code @BeforeAll} parameter gets a lab shared by the class, closed after all its tests.
 */
public final class NetLabExtension implements BeforeAllCallback, ParameterResolver, AfterEachCallback,
        AfterAllCallback {
    private static final ExtensionContext.Namespace STORE = ExtensionContext.Namespace.create(NetLabExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        NetLab.assumeAvailable();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == NetLab.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getStore(STORE).getOrComputeIfAbsent(NetLab.class, k -> NetLab.create(), NetLab.class);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        closeStored(context);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        closeStored(context);
    }

    private static void closeStored(ExtensionContext context) {
        NetLab lab = context.getStore(STORE).remove(NetLab.class, NetLab.class);
        if (lab != null) {
            lab.close();
        }
    }
}
