package io.ordo.fulfillment;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.ordo.common.InvalidRequest;

/** Rules on the lines of fulfillment requests that Bean Validation cannot express. */
final class Lines {
    private Lines() {
    }

    /** Shipments and return requests name each SKU once. */
    static void requireDistinctSkus(List<String> skus) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < skus.size(); i++) {
            if (!seen.add(skus.get(i))) {
                throw new InvalidRequest("lines[" + i + "].sku", "names a SKU of an earlier line; give each SKU once");
            }
        }
    }
}
