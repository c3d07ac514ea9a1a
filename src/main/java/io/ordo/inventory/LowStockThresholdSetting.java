package io.ordo.inventory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;

import org.jboss.logging.Logger;

import io.ordo.common.OrdoConfig;
import io.quarkus.runtime.StartupEvent;

/**
 * Writes {@code ordo.stock.low-threshold} into {@code stock_settings} at start-up, where the SQL that detects low
 * stock (in the reservation path) reads it. Runs once on the main thread with the JDBC datasource that Flyway uses,
 * after the migrations and before any request is served; never on the request path.
 */
@ApplicationScoped
public class LowStockThresholdSetting {
    private static final Logger LOG = Logger.getLogger(LowStockThresholdSetting.class);
    private static final String STORE = """
            INSERT INTO stock_settings (singleton, low_stock_threshold) VALUES (true, ?)
            ON CONFLICT (singleton) DO UPDATE SET low_stock_threshold = EXCLUDED.low_stock_threshold
             WHERE stock_settings.low_stock_threshold <> EXCLUDED.low_stock_threshold""";

    void store(@Observes StartupEvent event, OrdoConfig config, Instance<DataSource> dataSource) {
        int threshold = config.stock().lowThreshold();
        try (Connection connection = dataSource.get().getConnection();
                PreparedStatement statement = connection.prepareStatement(STORE)) {
            statement.setInt(1, threshold);
            statement.executeUpdate();
            LOG.debugf("low-stock threshold %d", threshold);
        } catch (SQLException | RuntimeException e) {
            LOG.warnf(e, "could not store ordo.stock.low-threshold=%d; the database keeps its previous value",
                    threshold);
        }
    }
}
