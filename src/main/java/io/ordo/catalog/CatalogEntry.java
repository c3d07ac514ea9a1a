package io.ordo.catalog;

import jakarta.persistence.Column;
import jakarta.persistence.Id;
import jakarta.persistence.MappedSuperclass;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/** What channels and locations share: an immutable code as the key, and a display name. */
@MappedSuperclass
public abstract class CatalogEntry extends PanacheEntityBase {
    @Id
    public String code;

    @Column(nullable = false)
    public String name;
}
