from parvis.reports.geo import bounding_box, haversine_m, point_in_polygon, valid_coordinates

SQUARE = [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]]
# A "U" shape: the notch between the arms is outside.
U_SHAPE = [[0, 0], [3, 0], [3, 3], [2, 3], [2, 1], [1, 1], [1, 3], [0, 3]]


def test_a_point_inside_a_square_is_inside_and_one_outside_is_not():
    assert point_in_polygon(0.5, 0.5, SQUARE)  # latitude, longitude; polygon in [lon, lat]
    assert not point_in_polygon(1.5, 0.5, SQUARE)
    assert not point_in_polygon(0.5, -0.1, SQUARE)


def test_the_notch_of_a_concave_polygon_is_outside():
    assert point_in_polygon(0.5, 0.5, U_SHAPE)  # bottom of the U
    assert point_in_polygon(2.0, 0.5, U_SHAPE)  # left arm
    assert not point_in_polygon(2.0, 1.5, U_SHAPE)  # in the notch
    assert point_in_polygon(2.0, 2.5, U_SHAPE)  # right arm


def test_a_closed_polygon_gives_the_same_answer_as_an_open_one():
    closed = [*SQUARE, SQUARE[0]]
    for point in [(0.5, 0.5), (2.0, 0.5), (0.99, 0.01)]:
        assert point_in_polygon(*point, closed) == point_in_polygon(*point, SQUARE)


def test_a_degenerate_polygon_contains_nothing():
    assert not point_in_polygon(0, 0, [])
    assert not point_in_polygon(0, 0, [[0, 0], [1, 1]])


def test_the_demo_boundaries_route_their_own_centres():
    from parvis.reports.demo import BOUNDARIES, CENTRES

    for slug, (lat, lon) in CENTRES.items():
        inside = [other for other, polygon in BOUNDARIES.items() if point_in_polygon(lat, lon, polygon)]
        assert inside == [slug]


def test_distances_on_the_sphere():
    # One degree of latitude is about 111.2 km everywhere.
    assert abs(haversine_m(45, 5, 46, 5) - 111_195) < 50
    assert haversine_m(45.0, 5.0, 45.0, 5.0) == 0
    # 50 m east of a point at latitude 45°.
    assert 45 < haversine_m(45.0, 5.0, 45.0, 5.000636) < 55


def test_the_bounding_box_contains_the_circle():
    min_lat, max_lat, min_lon, max_lon = bounding_box(45.0, 5.0, 50)
    assert haversine_m(45.0, 5.0, max_lat, 5.0) >= 49.9
    assert haversine_m(45.0, 5.0, 45.0, max_lon) >= 49.9
    assert min_lat < 45.0 < max_lat and min_lon < 5.0 < max_lon


def test_coordinates_out_of_range_are_not_valid():
    assert valid_coordinates(45, 5)
    assert not valid_coordinates(None, 5)
    assert not valid_coordinates(91, 5)
    assert not valid_coordinates(45, 181)
