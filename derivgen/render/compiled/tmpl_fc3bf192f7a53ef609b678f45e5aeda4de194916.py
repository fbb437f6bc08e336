from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'ru.j2'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_act = l_0_per = l_0_title = l_0_intro = l_0_h_architecture = l_0_network = l_0_layer = l_0_model = l_0_parameters = l_0_h_forward = l_0_layer_view = l_0_unit_view = l_0_forward = l_0_h_loss = l_0_loss = l_0_h_error = l_0_residual = l_0_error = l_0_indicator = l_0_h_gradients = l_0_gradients = l_0_h_parameter = l_0_chain = l_0_compact = l_0_expanded = l_0_h_update = l_0_update = l_0_h_notes = l_0_meaning = l_0_clash = l_0_activations = l_0_alpha = l_0_kink = l_0_absolute = l_0_cross_entropy = l_0_half = l_0_checked = l_0_h_example = l_0_example_data = l_0_example_filled = l_0_h_example_forward = l_0_h_example_backward = l_0_example_backward = l_0_example_gradients = l_0_h_example_batch = l_0_example_batch = l_0_h_example_update = l_0_example_rounding = l_0_m_intro = l_0_m_shapes = l_0_m_layer = l_0_m_forward = l_0_m_penalty = l_0_m_h_backward = l_0_m_backward = l_0_m_gradients = l_0_m_inputs = l_0_m_notation = l_0_m_kinks = l_0_c_intro = l_0_c_network = l_0_c_layer = l_0_c_forward = l_0_c_unit = l_0_c_backward = l_0_c_gradients = l_0_c_inputs = missing
    try:
        t_1 = environment.filters['join']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'join' found.")
    try:
        t_2 = environment.filters['length']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'length' found.")
    try:
        t_3 = environment.filters['map']
    except KeyError:
        @internalcode
        def t_3(*unused):
            raise TemplateRuntimeError("No filter named 'map' found.")
    pass
    def macro(l_1_layer):
        t_4 = []
        if l_1_layer is missing:
            l_1_layer = undefined("parameter 'layer' was not provided", name='layer')
        pass
        t_4.append(
            str(environment.getattr(environment.getattr(l_1_layer, 'prose'), 'ru')),
        )
        if environment.getattr(l_1_layer, 'alpha'):
            pass
            t_4.extend((
                ' с наклоном $\\alpha = ',
                str(environment.getattr(l_1_layer, 'alpha')),
                '$',
            ))
        return concat(t_4)
    context.exported_vars.add('act')
    context.vars['act'] = l_0_act = Macro(environment, macro, 'act', ('layer',), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_arch):
        t_5 = []
        if l_1_arch is missing:
            l_1_arch = undefined("parameter 'arch' was not provided", name='arch')
        pass
        if (environment.getattr(l_1_arch, 'reduction') == 'single'):
            pass
            t_5.append(
                'для единственного обучающего примера',
            )
        else:
            pass
            t_5.extend((
                'для примера с номером $',
                str(environment.getattr(l_1_arch, 'sample')),
                '$ из $N$ обучающих',
            ))
        return concat(t_5)
    context.exported_vars.add('per')
    context.vars['per'] = l_0_per = Macro(environment, macro, 'per', ('arch',), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_name):
        t_6 = []
        if l_1_name is missing:
            l_1_name = undefined("parameter 'name' was not provided", name='name')
        pass
        t_6.extend((
            'Градиенты методом обратного распространения: ',
            str(l_1_name),
        ))
        return concat(t_6)
    context.exported_vars.add('title')
    context.vars['title'] = l_0_title = Macro(environment, macro, 'title', ('name',), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_name, l_1_arch):
        t_7 = []
        if l_1_name is missing:
            l_1_name = undefined("parameter 'name' was not provided", name='name')
        if l_1_arch is missing:
            l_1_arch = undefined("parameter 'arch' was not provided", name='arch')
        pass
        t_7.extend((
            'Этот вывод построен программой derivgen по спецификации ',
            str(l_1_name),
            '. Сначала сеть проходится в прямом направлении и записывается функция потерь, затем правило цепочки ведёт от потерь назад к каждому параметру: сперва в виде произведения локальных частных производных, потом в виде формулы через поименованные промежуточные величины.',
        ))
        return concat(t_7)
    context.exported_vars.add('intro')
    context.vars['intro'] = l_0_intro = Macro(environment, macro, 'intro', ('name', 'arch'), False, False, False, context.eval_ctx.autoescape)
    def macro():
        t_8 = []
        pass
        t_8.append(
            'Архитектура и параметры',
        )
        return concat(t_8)
    context.exported_vars.add('h_architecture')
    context.vars['h_architecture'] = l_0_h_architecture = Macro(environment, macro, 'h_architecture', (), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_arch):
        t_9 = []
        if l_1_arch is missing:
            l_1_arch = undefined("parameter 'arch' was not provided", name='arch')
        pass
        if (t_2(environment.getattr(l_1_arch, 'inputs')) > 1):
            pass
            t_9.extend((
                'На вход подаются ',
                str(t_2(environment.getattr(l_1_arch, 'inputs'))),
                ' значения',
            ))
        else:
            pass
            t_9.append(
                'На вход подаётся одно значение',
            )
        t_9.extend((
            ': ',
            str(t_1(context.eval_ctx, t_3(context, environment.getattr(l_1_arch, 'inputs'), 'inline'), ', ')),
        ))
        if environment.getattr(l_1_arch, 'input_shape'):
            pass
            t_9.extend((
                ', пакет размера $',
                str(environment.getattr(l_1_arch, 'input_shape')),
                '$',
            ))
        t_9.append(
            '. Далее идут слои:',
        )
        return concat(t_9)
    context.exported_vars.add('network')
    context.vars['network'] = l_0_network = Macro(environment, macro, 'network', ('arch',), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_l):
        t_10 = []
        if l_1_l is missing:
            l_1_l = undefined("parameter 'l' was not provided", name='l')
        pass
        if environment.getattr(l_1_l, 'hidden'):
            pass
            t_10.extend((
                'скрытый слой ',
                str(environment.getattr(l_1_l, 'index')),
            ))
        else:
            pass
            t_10.append(
                'выходной слой',
            )
        t_10.extend((
            ': нейронов — ',
            str(environment.getattr(l_1_l, 'units')),
            ', активация ',
        ))
        if environment.getattr(l_1_l, 'act'):
            pass
            t_10.extend((
                '$',
                str(environment.getattr(l_1_l, 'act')),
                '$ — ',
            ))
        t_10.extend((
            str(context.call((undefined(name='act') if l_0_act is missing else l_0_act), l_1_l)),
            '; ',
        ))
        if (environment.getattr(l_1_l, 'bias') == 'shared'):
            pass
            t_10.append(
                'одно смещение на весь слой; ',
            )
        elif (environment.getattr(l_1_l, 'bias') == 'none'):
            pass
            t_10.append(
                'без смещения; ',
            )
        t_10.extend((
            'веса $',
            str(environment.getattr(l_1_l, 'matrix')),
            '$ размера $',
            str(environment.getattr(l_1_l, 'shape')),
            '$; параметры ',
            str(t_1(context.eval_ctx, t_3(context, environment.getattr(l_1_l, 'parameters'), 'inline'), ', ')),
            '.',
        ))
        return concat(t_10)
    context.exported_vars.add('layer')
    context.vars['layer'] = l_0_layer = Macro(environment, macro, 'layer', ('l',), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_arch):
        t_11 = []
        if l_1_arch is missing:
            l_1_arch = undefined("parameter 'arch' was not provided", name='arch')
        pass
        t_11.extend((
            'Модель задана именованными равенствами. Она получает на вход ',
            str(t_1(context.eval_ctx, t_3(context, environment.getattr(l_1_arch, 'inputs'), 'inline'), ', ')),
            ' и вычисляет ',
            str(t_1(context.eval_ctx, t_3(context, environment.getattr(l_1_arch, 'outputs'), 'inline'), ', ')),
            '; результат сравнивается с целевым значением ',
            str(t_1(context.eval_ctx, t_3(context, environment.getattr(l_1_arch, 'targets'), 'inline'), ', ')),
            '.',
        ))
        return concat(t_11)
    context.exported_vars.add('model')
    context.vars['model'] = l_0_model = Macro(environment, macro, 'model', ('arch',), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_arch):
        t_12 = []
        if l_1_arch is missing:
            l_1_arch = undefined("parameter 'arch' was not provided", name='arch')
        pass
        t_12.extend((
            'Обучаемых параметров ',
            str(t_2(environment.getattr(l_1_arch, 'parameters'))),
            ': ',
            str(t_1(context.eval_ctx, t_3(context, environment.getattr(l_1_arch, 'parameters'), 'inline'), ', ')),
            '.',
        ))
        return concat(t_12)
    context.exported_vars.add('parameters')
    context.vars['parameters'] = l_0_parameters = Macro(environment, macro, 'parameters', ('arch',), False, False, False, context.eval_ctx.autoescape)
    def macro():
        t_13 = []
        pass
        t_13.append(
            'Прямой проход',
        )
        return concat(t_13)
    context.exported_vars.add('h_forward')
    context.vars['h_forward'] = l_0_h_forward = Macro(environment, macro, 'h_forward', (), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_arch):
        t_14 = []
        if l_1_arch is missing:
            l_1_arch = undefined("parameter 'arch' was not provided", name='arch')
        pass
        t_14.append(
            'Послойно, в матричной записи:',
        )
        return concat(t_14)
    context.exported_vars.add('layer_view')
    context.vars['layer_view'] = l_0_layer_view = Macro(environment, macro, 'layer_view', ('arch',), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_arch):
        t_15 = []
        if l_1_arch is missing:
            l_1_arch = undefined("parameter 'arch' was not provided", name='arch')
        pass
        t_15.extend((
            'То же самое поэлементно, ',
            str(context.call((undefined(name='per') if l_0_per is missing else l_0_per), l_1_arch)),
            '; каждая величина сохраняет своё имя и в обратном проходе:',
        ))
        return concat(t_15)
    context.exported_vars.add('unit_view')
    context.vars['unit_view'] = l_0_unit_view = Macro(environment, macro, 'unit_view', ('arch',), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_arch):
        t_16 = []
        if l_1_arch is missing:
            l_1_arch = undefined("parameter 'arch' was not provided", name='arch')
        pass
        t_16.extend((
            'Промежуточные величины в порядке вычисления, ',
            str(context.call((undefined(name='per') if l_0_per is missing else l_0_per), l_1_arch)),
            ':',
        ))
        return concat(t_16)
    context.exported_vars.add('forward')
    context.vars['forward'] = l_0_forward = Macro(environment, macro, 'forward', ('arch',), False, False, False, context.eval_ctx.autoescape)
    def macro():
        t_17 = []
        pass
        t_17.append(
            'Функция потерь',
        )
        return concat(t_17)
    context.exported_vars.add('h_loss')
    context.vars['h_loss'] = l_0_h_loss = Macro(environment, macro, 'h_loss', (), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_arch):
        t_18 = []
        if l_1_arch is missing:
            l_1_arch = undefined("parameter 'arch' was not provided", name='arch')
        pass
        t_18.append(
            str(environment.getattr(environment.getattr(l_1_arch, 'loss_prose'), 'ru')),
        )
        if (environment.getattr(l_1_arch, 'reduction') == 'single'):
            pass
            t_18.append(
                ' на одном примере',
            )
        elif (environment.getattr(l_1_arch, 'reduction') == 'sum'):
            pass
            t_18.append(
                ', просуммированная по $N$ примерам',
            )
        else:
            pass
            t_18.append(
                ', усреднённая по $N$ примерам',
            )
        t_18.append(
            ':',
        )
        return concat(t_18)
    context.exported_vars.add('loss')
    context.vars['loss'] = l_0_loss = Macro(environment, macro, 'loss', ('arch',), False, False, False, context.eval_ctx.autoescape)
    def macro():
        t_19 = []
        pass
        t_19.append(
            'Ошибка на выходе',
        )
        return concat(t_19)
    context.exported_vars.add('h_error')
    context.vars['h_error'] = l_0_h_error = Macro(environment, macro, 'h_error', (), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_arch):
        t_20 = []
        if l_1_arch is missing:
            l_1_arch = undefined("parameter 'arch' was not provided", name='arch')
        pass
        t_20.extend((
            'Остаток — разность предсказания и цели — ',
            str(context.call((undefined(name='per') if l_0_per is missing else l_0_per), l_1_arch)),
            ':',
        ))
        return concat(t_20)
    context.exported_vars.add('residual')
    context.vars['residual'] = l_0_residual = Macro(environment, macro, 'residual', ('arch',), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_arch):
        t_21 = []
        if l_1_arch is missing:
            l_1_arch = undefined("parameter 'arch' was not provided", name='arch')
        pass
        t_21.append(
            'С этой величины начинается обратный проход: производная потерь одного примера по выходу сети.',
        )
        return concat(t_21)
    context.exported_vars.add('error')
    context.vars['error'] = l_0_error = Macro(environment, macro, 'error', ('arch',), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_arch):
        t_22 = []
        if l_1_arch is missing:
            l_1_arch = undefined("parameter 'arch' was not provided", name='arch')
        pass
        t_22.append(
            'При дифференцировании ReLU возникает индикатор активности нейрона: он равен 1, если нейрон активен, и 0 в противном случае:',
        )
        return concat(t_22)
    context.exported_vars.add('indicator')
    context.vars['indicator'] = l_0_indicator = Macro(environment, macro, 'indicator', ('arch',), False, False, False, context.eval_ctx.autoescape)
    def macro():
        t_23 = []
        pass
        t_23.append(
            'Градиенты',
        )
        return concat(t_23)
    context.exported_vars.add('h_gradients')
    context.vars['h_gradients'] = l_0_h_gradients = Macro(environment, macro, 'h_gradients', (), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_arch):
        t_24 = []
        if l_1_arch is missing:
            l_1_arch = undefined("parameter 'arch' was not provided", name='arch')
        pass
        t_24.append(
            'Для каждого параметра приведены: правило цепочки вдоль всех путей от потерь к параметру, итоговая формула через поименованные величины прямого прохода',
        )
        if (environment.getattr(l_1_arch, 'reduction') == 'sum'):
            pass
            t_24.append(
                ' с суммой по примерам',
            )
        elif (environment.getattr(l_1_arch, 'reduction') == 'mean'):
            pass
            t_24.append(
                ' с усреднением по примерам',
            )
        t_24.append(
            ' и, если она короткая, та же формула, выписанная только через параметры и данные.',
        )
        return concat(t_24)
    context.exported_vars.add('gradients')
    context.vars['gradients'] = l_0_gradients = Macro(environment, macro, 'gradients', ('arch',), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_symbol):
        t_25 = []
        if l_1_symbol is missing:
            l_1_symbol = undefined("parameter 'symbol' was not provided", name='symbol')
        pass
        t_25.extend((
            'Параметр $',
            str(l_1_symbol),
            '$',
        ))
        return concat(t_25)
    context.exported_vars.add('h_parameter')
    context.vars['h_parameter'] = l_0_h_parameter = Macro(environment, macro, 'h_parameter', ('symbol',), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_paths, l_1_max_paths, l_1_arch):
        t_26 = []
        if l_1_paths is missing:
            l_1_paths = undefined("parameter 'paths' was not provided", name='paths')
        if l_1_max_paths is missing:
            l_1_max_paths = undefined("parameter 'max_paths' was not provided", name='max_paths')
        if l_1_arch is missing:
            l_1_arch = undefined("parameter 'arch' was not provided", name='arch')
        pass
        if (l_1_paths > l_1_max_paths):
            pass
            t_26.extend((
                'От потерь к этому параметру ведут ',
                str(l_1_paths),
                ' путей; ниже один шаг правила цепочки через величины, в которые он входит',
            ))
        elif (l_1_paths > 1):
            pass
            t_26.extend((
                'Правило цепочки, по одному произведению на каждый путь (путей: ',
                str(l_1_paths),
                ')',
            ))
        else:
            pass
            t_26.append(
                'Правило цепочки',
            )
        if (environment.getattr(l_1_arch, 'reduction') != 'single'):
            pass
            t_26.extend((
                ', для примера $',
                str(environment.getattr(l_1_arch, 'sample')),
                '$',
            ))
        t_26.append(
            ':',
        )
        return concat(t_26)
    context.exported_vars.add('chain')
    context.vars['chain'] = l_0_chain = Macro(environment, macro, 'chain', ('paths', 'max_paths', 'arch'), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_arch):
        t_27 = []
        if l_1_arch is missing:
            l_1_arch = undefined("parameter 'arch' was not provided", name='arch')
        pass
        t_27.append(
            'Через поименованные величины',
        )
        if (environment.getattr(l_1_arch, 'reduction') != 'single'):
            pass
            t_27.append(
                ', по всем примерам',
            )
        t_27.append(
            ':',
        )
        return concat(t_27)
    context.exported_vars.add('compact')
    context.vars['compact'] = l_0_compact = Macro(environment, macro, 'compact', ('arch',), False, False, False, context.eval_ctx.autoescape)
    def macro():
        t_28 = []
        pass
        t_28.append(
            'Развёрнуто, только через параметры и данные:',
        )
        return concat(t_28)
    context.exported_vars.add('expanded')
    context.vars['expanded'] = l_0_expanded = Macro(environment, macro, 'expanded', (), False, False, False, context.eval_ctx.autoescape)
    def macro():
        t_29 = []
        pass
        t_29.append(
            'Правило обновления',
        )
        return concat(t_29)
    context.exported_vars.add('h_update')
    context.vars['h_update'] = l_0_h_update = Macro(environment, macro, 'h_update', (), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_lr, l_1_arch):
        t_30 = []
        if l_1_lr is missing:
            l_1_lr = undefined("parameter 'lr' was not provided", name='lr')
        if l_1_arch is missing:
            l_1_arch = undefined("parameter 'arch' was not provided", name='arch')
        pass
        t_30.extend((
            'Шаг градиентного спуска сдвигает каждый параметр против его градиента, умноженного на скорость обучения $',
            str(l_1_lr),
            '$; все градиенты вычисляются до того, как меняется хотя бы один параметр.',
        ))
        return concat(t_30)
    context.exported_vars.add('update')
    context.vars['update'] = l_0_update = Macro(environment, macro, 'update', ('lr', 'arch'), False, False, False, context.eval_ctx.autoescape)
    def macro():
        t_31 = []
        pass
        t_31.append(
            'Замечания',
        )
        return concat(t_31)
    context.exported_vars.add('h_notes')
    context.vars['h_notes'] = l_0_h_notes = Macro(environment, macro, 'h_notes', (), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_kind):
        t_32 = []
        if l_1_kind is missing:
            l_1_kind = undefined("parameter 'kind' was not provided", name='kind')
        pass
        t_32.append(
            str(environment.getitem({'parameter': 'параметр модели', 'input': 'вход', 'target': 'целевое значение', 'node': 'промежуточную величину', 'loss': 'функцию потерь', 'learning_rate': 'скорость обучения', 'leaky_slope': 'наклон Leaky ReLU', 'sample_index': 'номер примера', 'sample_count': 'число примеров', 'function': 'функцию активации'}, l_1_kind)),
        )
        return concat(t_32)
    context.exported_vars.add('meaning')
    context.vars['meaning'] = l_0_meaning = Macro(environment, macro, 'meaning', ('kind',), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_symbol, l_1_kinds):
        t_33 = []
        if l_1_symbol is missing:
            l_1_symbol = undefined("parameter 'symbol' was not provided", name='symbol')
        if l_1_kinds is missing:
            l_1_kinds = undefined("parameter 'kinds' was not provided", name='kinds')
        pass
        t_33.extend((
            'Обратите внимание на обозначения: $',
            str(l_1_symbol),
            '$ обозначает ',
        ))
        l_2_loop = missing
        for l_2_k, l_2_loop in LoopContext(l_1_kinds, undefined):
            _loop_vars = {}
            pass
            t_33.extend((
                str(context.call((undefined(name='meaning') if l_0_meaning is missing else l_0_meaning), l_2_k, _loop_vars=_loop_vars)),
                str((' и ' if (environment.getattr(l_2_loop, 'revindex') == 2) else (', ' if (not environment.getattr(l_2_loop, 'last')) else ''))),
            ))
        l_2_loop = l_2_k = missing
        t_33.append(
            '. В обозначениях, которым следует этот вывод, обе величины записаны одним символом; в каждой формуле он употреблён в одном смысле, который ясен из её места',
        )
        if (('leaky_slope' in l_1_kinds) and ('learning_rate' in l_1_kinds)):
            pass
            t_33.append(
                ': в правиле обновления это скорость обучения, в замечаниях о функциях активации — наклон',
            )
        t_33.append(
            '.',
        )
        return concat(t_33)
    context.exported_vars.add('clash')
    context.vars['clash'] = l_0_clash = Macro(environment, macro, 'clash', ('symbol', 'kinds'), False, False, False, context.eval_ctx.autoescape)
    def macro():
        t_34 = []
        pass
        t_34.append(
            'Производные использованных функций активации:',
        )
        return concat(t_34)
    context.exported_vars.add('activations')
    context.vars['activations'] = l_0_activations = Macro(environment, macro, 'activations', (), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_value):
        t_35 = []
        if l_1_value is missing:
            l_1_value = undefined("parameter 'value' was not provided", name='value')
        pass
        t_35.extend((
            'Наклон Leaky ReLU в этой спецификации: $\\alpha = ',
            str(l_1_value),
            '$.',
        ))
        return concat(t_35)
    context.exported_vars.add('alpha')
    context.vars['alpha'] = l_0_alpha = Macro(environment, macro, 'alpha', ('value',), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_key, l_1_at0):
        t_36 = []
        if l_1_key is missing:
            l_1_key = undefined("parameter 'key' was not provided", name='key')
        if l_1_at0 is missing:
            l_1_at0 = undefined("parameter 'at0' was not provided", name='at0')
        pass
        if (l_1_key == 'relu'):
            pass
            t_36.extend((
                'В точке $z = 0$ у ReLU излом, и производной там нет. В этом выводе используется субградиент ',
                str(l_1_at0),
                ' (ключ спецификации subgradient: ',
                str(l_1_at0),
                '), поэтому ',
            ))
            if (l_1_at0 == 0):
                pass
                t_36.append(
                    'неактивный нейрон, в том числе ровно в нуле, градиент не пропускает',
                )
            else:
                pass
                t_36.append(
                    'неактивный нейрон градиент не пропускает, а нейрон ровно в нуле пропускает его целиком',
                )
            t_36.append(
                ':',
            )
        else:
            pass
            t_36.append(
                'У Leaky ReLU в точке $z = 0$ излом. Неактивный нейрон пропускает долю $\\alpha$ градиента, а нейрон ровно в нуле ',
            )
            if (l_1_at0 == 0):
                pass
                t_36.append(
                    'пропускает ту же долю',
                )
            else:
                pass
                t_36.append(
                    'пропускает градиент целиком',
                )
            t_36.extend((
                ' (ключ спецификации subgradient: ',
                str(l_1_at0),
                '):',
            ))
        return concat(t_36)
    context.exported_vars.add('kink')
    context.vars['kink'] = l_0_kink = Macro(environment, macro, 'kink', ('key', 'at0'), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_at0):
        t_37 = []
        if l_1_at0 is missing:
            l_1_at0 = undefined("parameter 'at0' was not provided", name='at0')
        pass
        t_37.extend((
            'Модуль дифференцируется как $r / \\left|r\\right|$, то есть как знак $r$; при $r = 0$ берётся значение ',
            str(l_1_at0),
            '.',
        ))
        return concat(t_37)
    context.exported_vars.add('absolute')
    context.vars['absolute'] = l_0_absolute = Macro(environment, macro, 'absolute', ('at0',), False, False, False, context.eval_ctx.autoescape)
    def macro():
        t_38 = []
        pass
        t_38.append(
            'Градиент по логитам равен $p - y$, если целевые значения каждого примера в сумме дают единицу (one-hot или вероятности); формулы выше исходят из этого.',
        )
        return concat(t_38)
    context.exported_vars.add('cross_entropy')
    context.vars['cross_entropy'] = l_0_cross_entropy = Macro(environment, macro, 'cross_entropy', (), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_arch):
        t_39 = []
        if l_1_arch is missing:
            l_1_arch = undefined("parameter 'arch' was not provided", name='arch')
        pass
        t_39.append(
            'Множитель одна вторая нужен лишь для того, чтобы при дифференцировании квадрата не появлялась двойка. Если его убрать, каждый градиент выше удваивается:',
        )
        return concat(t_39)
    context.exported_vars.add('half')
    context.vars['half'] = l_0_half = Macro(environment, macro, 'half', ('arch',), False, False, False, context.eval_ctx.autoescape)
    def macro():
        t_40 = []
        pass
        t_40.append(
            'Команда derivgen check сверяет каждый градиент этой спецификации с центральными разностями.',
        )
        return concat(t_40)
    context.exported_vars.add('checked')
    context.vars['checked'] = l_0_checked = Macro(environment, macro, 'checked', (), False, False, False, context.eval_ctx.autoescape)
    def macro():
        t_41 = []
        pass
        t_41.append(
            'Численный пример',
        )
        return concat(t_41)
    context.exported_vars.add('h_example')
    context.vars['h_example'] = l_0_h_example = Macro(environment, macro, 'h_example', (), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_samples, l_1_arch):
        t_42 = []
        if l_1_samples is missing:
            l_1_samples = undefined("parameter 'samples' was not provided", name='samples')
        if l_1_arch is missing:
            l_1_arch = undefined("parameter 'arch' was not provided", name='arch')
        pass
        t_42.append(
            'Исходные значения',
        )
        if (l_1_samples > 1):
            pass
            t_42.extend((
                ' ($N = ',
                str(l_1_samples),
                '$ примеров; в скобках по одному значению на пример)',
            ))
        t_42.append(
            ':',
        )
        return concat(t_42)
    context.exported_vars.add('example_data')
    context.vars['example_data'] = l_0_example_data = Macro(environment, macro, 'example_data', ('samples', 'arch'), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_names, l_1_seed):
        t_43 = []
        l_1_option = resolve('option')
        l_1_format = resolve('format')
        if l_1_names is missing:
            l_1_names = undefined("parameter 'names' was not provided", name='names')
        if l_1_seed is missing:
            l_1_seed = undefined("parameter 'seed' was not provided", name='seed')
        pass
        t_43.extend((
            'Спецификация задаёт не все значения примера; эти взяты случайно с зерном ',
            str(l_1_seed),
            ' (параметр ',
            str(context.call((undefined(name='option') if l_1_option is missing else l_1_option), 'seed', (undefined(name='format') if l_1_format is missing else l_1_format))),
            ') и округлены до двух знаков после запятой: ',
            str(l_1_names),
            '.',
        ))
        return concat(t_43)
    context.exported_vars.add('example_filled')
    context.vars['example_filled'] = l_0_example_filled = Macro(environment, macro, 'example_filled', ('names', 'seed'), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_arch, l_1_label):
        t_44 = []
        if l_1_arch is missing:
            l_1_arch = undefined("parameter 'arch' was not provided", name='arch')
        if l_1_label is missing:
            l_1_label = undefined("parameter 'label' was not provided", name='label')
        pass
        t_44.append(
            'Прямой проход',
        )
        if l_1_label:
            pass
            t_44.extend((
                ', пример $',
                str(environment.getattr(l_1_arch, 'sample')),
                ' = ',
                str(l_1_label),
                '$',
            ))
        return concat(t_44)
    context.exported_vars.add('h_example_forward')
    context.vars['h_example_forward'] = l_0_h_example_forward = Macro(environment, macro, 'h_example_forward', ('arch', 'label'), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_arch, l_1_label):
        t_45 = []
        if l_1_arch is missing:
            l_1_arch = undefined("parameter 'arch' was not provided", name='arch')
        if l_1_label is missing:
            l_1_label = undefined("parameter 'label' was not provided", name='label')
        pass
        t_45.append(
            'Обратный проход',
        )
        if l_1_label:
            pass
            t_45.extend((
                ', пример $',
                str(environment.getattr(l_1_arch, 'sample')),
                ' = ',
                str(l_1_label),
                '$',
            ))
        return concat(t_45)
    context.exported_vars.add('h_example_backward')
    context.vars['h_example_backward'] = l_0_h_example_backward = Macro(environment, macro, 'h_example_backward', ('arch', 'label'), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_arch, l_1_label):
        t_46 = []
        if l_1_arch is missing:
            l_1_arch = undefined("parameter 'arch' was not provided", name='arch')
        if l_1_label is missing:
            l_1_label = undefined("parameter 'label' was not provided", name='label')
        pass
        t_46.append(
            'Производная потерь',
        )
        if l_1_label:
            pass
            t_46.append(
                ' этого примера',
            )
        t_46.append(
            ' по каждой величине, от выхода к входу; каждая локальная производная вычислена там, где она нужна впервые:',
        )
        return concat(t_46)
    context.exported_vars.add('example_backward')
    context.vars['example_backward'] = l_0_example_backward = Macro(environment, macro, 'example_backward', ('arch', 'label'), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_arch, l_1_label):
        t_47 = []
        if l_1_arch is missing:
            l_1_arch = undefined("parameter 'arch' was not provided", name='arch')
        if l_1_label is missing:
            l_1_label = undefined("parameter 'label' was not provided", name='label')
        pass
        t_47.append(
            'Градиенты по параметрам',
        )
        if l_1_label:
            pass
            t_47.append(
                ' для этого примера',
            )
        t_47.append(
            ', по цепочкам из раздела о градиентах:',
        )
        return concat(t_47)
    context.exported_vars.add('example_gradients')
    context.vars['example_gradients'] = l_0_example_gradients = Macro(environment, macro, 'example_gradients', ('arch', 'label'), False, False, False, context.eval_ctx.autoescape)
    def macro():
        t_48 = []
        pass
        t_48.append(
            'По всем примерам',
        )
        return concat(t_48)
    context.exported_vars.add('h_example_batch')
    context.vars['h_example_batch'] = l_0_h_example_batch = Macro(environment, macro, 'h_example_batch', (), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_samples, l_1_arch):
        t_49 = []
        if l_1_samples is missing:
            l_1_samples = undefined("parameter 'samples' was not provided", name='samples')
        if l_1_arch is missing:
            l_1_arch = undefined("parameter 'arch' was not provided", name='arch')
        pass
        t_49.extend((
            'Потери и градиенты по $N = ',
            str(l_1_samples),
            '$ примерам, ',
        ))
        if (environment.getattr(l_1_arch, 'reduction') == 'mean'):
            pass
            t_49.append(
                'усреднённые',
            )
        else:
            pass
            t_49.append(
                'просуммированные',
            )
        t_49.append(
            ', как и функция потерь:',
        )
        return concat(t_49)
    context.exported_vars.add('example_batch')
    context.vars['example_batch'] = l_0_example_batch = Macro(environment, macro, 'example_batch', ('samples', 'arch'), False, False, False, context.eval_ctx.autoescape)
    def macro():
        t_50 = []
        pass
        t_50.append(
            'После одного шага обновления',
        )
        return concat(t_50)
    context.exported_vars.add('h_example_update')
    context.vars['h_example_update'] = l_0_h_example_update = Macro(environment, macro, 'h_example_update', (), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_digits):
        t_51 = []
        l_1_option = resolve('option')
        l_1_format = resolve('format')
        if l_1_digits is missing:
            l_1_digits = undefined("parameter 'digits' was not provided", name='digits')
        pass
        t_51.extend((
            'Результаты округлены до ',
            str(l_1_digits),
            ' значащих цифр (параметр ',
            str(context.call((undefined(name='option') if l_1_option is missing else l_1_option), 'digits', (undefined(name='format') if l_1_format is missing else l_1_format))),
            '), обновлённый параметр — до стольких, сколько нужно, чтобы было видно его изменение; каждое число вычислено по неокруглённым значениям. Шаг заканчивается знаком $=$, если приведённые числа дают в точности его результат, и знаком $\\approx$, если они дают его с точностью до округления.',
        ))
        return concat(t_51)
    context.exported_vars.add('example_rounding')
    context.vars['example_rounding'] = l_0_example_rounding = Macro(environment, macro, 'example_rounding', ('digits',), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_name, l_1_arch):
        t_52 = []
        if l_1_name is missing:
            l_1_name = undefined("parameter 'name' was not provided", name='name')
        if l_1_arch is missing:
            l_1_arch = undefined("parameter 'arch' was not provided", name='arch')
        pass
        t_52.extend((
            'Этот вывод построен программой derivgen по спецификации ',
            str(l_1_name),
            ' в матричной форме: каждая величина хранит сразу весь пакет примеров, ',
        ))
        if (environment.getattr(l_1_arch, 'layout') == 'rows'):
            pass
            t_52.append(
                'по одному примеру в строке',
            )
        else:
            pass
            t_52.append(
                'по одному примеру в столбце',
            )
        t_52.append(
            ', поэтому формулы не растут с шириной слоёв. В обратном проходе у каждой величины прямого прохода есть своя матрица-сопряжённая.',
        )
        return concat(t_52)
    context.exported_vars.add('m_intro')
    context.vars['m_intro'] = l_0_m_intro = Macro(environment, macro, 'm_intro', ('name', 'arch'), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_arch):
        t_53 = []
        if l_1_arch is missing:
            l_1_arch = undefined("parameter 'arch' was not provided", name='arch')
        pass
        t_53.extend((
            'Данные: входы $',
            str(environment.getattr(l_1_arch, 'x')),
            '$ и целевые значения $',
            str(environment.getattr(l_1_arch, 'y')),
            '$, где $',
            str(environment.getattr(l_1_arch, 'sizes')),
            '$, а $N$ — число примеров. Слои:',
        ))
        return concat(t_53)
    context.exported_vars.add('m_shapes')
    context.vars['m_shapes'] = l_0_m_shapes = Macro(environment, macro, 'm_shapes', ('arch',), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_l):
        t_54 = []
        if l_1_l is missing:
            l_1_l = undefined("parameter 'l' was not provided", name='l')
        pass
        if environment.getattr(l_1_l, 'hidden'):
            pass
            t_54.extend((
                'скрытый слой ',
                str(environment.getattr(l_1_l, 'index')),
            ))
        else:
            pass
            t_54.append(
                'выходной слой',
            )
        t_54.extend((
            ': нейронов — ',
            str(environment.getattr(l_1_l, 'units')),
            ', активация ',
            str(context.call((undefined(name='act') if l_0_act is missing else l_0_act), l_1_l)),
            '; веса $',
            str(environment.getattr(l_1_l, 'weight')),
            '$',
        ))
        if environment.getattr(l_1_l, 'shared'):
            pass
            t_54.extend((
                ', одно смещение $',
                str(environment.getattr(l_1_l, 'bias')),
                '$ на весь слой',
            ))
        elif environment.getattr(l_1_l, 'bias'):
            pass
            t_54.extend((
                ', смещения $',
                str(environment.getattr(l_1_l, 'bias')),
                '$',
            ))
        else:
            pass
            t_54.append(
                ', без смещения',
            )
        t_54.append(
            '.',
        )
        return concat(t_54)
    context.exported_vars.add('m_layer')
    context.vars['m_layer'] = l_0_m_layer = Macro(environment, macro, 'm_layer', ('l',), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_arch):
        t_55 = []
        if l_1_arch is missing:
            l_1_arch = undefined("parameter 'arch' was not provided", name='arch')
        pass
        t_55.append(
            'Прямой проход; под каждым результатом подписан его размер',
        )
        if environment.getattr(l_1_arch, 'vector_bias'):
            pass
            if (environment.getattr(l_1_arch, 'layout') == 'rows'):
                pass
                t_55.append(
                    '; $\\mathbf{1}_N$ — столбец из единиц, который копирует смещение в каждую строку',
                )
            else:
                pass
                t_55.append(
                    '; $\\mathbf{1}_N^T$ — строка из единиц, которая копирует смещение в каждый столбец',
                )
        if environment.getattr(l_1_arch, 'shared'):
            pass
            t_55.extend((
                '; в ',
                str(t_1(context.eval_ctx, t_3(context, environment.getattr(l_1_arch, 'shared'), 'inline'), ' и ')),
                ' матрица из единиц переносит одно смещение слоя в каждый элемент',
            ))
        t_55.append(
            ':',
        )
        return concat(t_55)
    context.exported_vars.add('m_forward')
    context.vars['m_forward'] = l_0_m_forward = Macro(environment, macro, 'm_forward', ('arch',), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_arch):
        t_56 = []
        if l_1_arch is missing:
            l_1_arch = undefined("parameter 'arch' was not provided", name='arch')
        pass
        t_56.extend((
            'В функцию потерь входит L2-штраф на веса: ',
            str(t_1(context.eval_ctx, t_3(context, environment.getattr(l_1_arch, 'penalty'), 'inline'), ', ')),
            '.',
        ))
        return concat(t_56)
    context.exported_vars.add('m_penalty')
    context.vars['m_penalty'] = l_0_m_penalty = Macro(environment, macro, 'm_penalty', ('arch',), False, False, False, context.eval_ctx.autoescape)
    def macro():
        t_57 = []
        pass
        t_57.append(
            'Обратный проход',
        )
        return concat(t_57)
    context.exported_vars.add('m_h_backward')
    context.vars['m_h_backward'] = l_0_m_h_backward = Macro(environment, macro, 'm_h_backward', (), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_arch):
        t_58 = []
        if l_1_arch is missing:
            l_1_arch = undefined("parameter 'arch' was not provided", name='arch')
        pass
        t_58.append(
            'От потерь к первому слою каждая сопряжённая величина вычисляется через сопряжённые величины тех, кто её использует: через матричное произведение градиент проходит умножением на транспонированный второй сомножитель, через активацию — поэлементным умножением на её производную.',
        )
        return concat(t_58)
    context.exported_vars.add('m_backward')
    context.vars['m_backward'] = l_0_m_backward = Macro(environment, macro, 'm_backward', ('arch',), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_arch):
        t_59 = []
        if l_1_arch is missing:
            l_1_arch = undefined("parameter 'arch' was not provided", name='arch')
        pass
        t_59.append(
            'Градиент каждого параметра имеет ту же форму, что и сам параметр. Он записан через сопряжённые величины выше, а затем только через величины прямого прохода',
        )
        if (environment.getattr(l_1_arch, 'reduction') == 'mean'):
            pass
            t_59.append(
                '; множитель $1/N$ среднего входит вместе с производной потерь',
            )
        t_59.append(
            ':',
        )
        return concat(t_59)
    context.exported_vars.add('m_gradients')
    context.vars['m_gradients'] = l_0_m_gradients = Macro(environment, macro, 'm_gradients', ('arch',), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_arch):
        t_60 = []
        if l_1_arch is missing:
            l_1_arch = undefined("parameter 'arch' was not provided", name='arch')
        pass
        t_60.append(
            'Градиент по входам; его размер совпадает с размером входов:',
        )
        return concat(t_60)
    context.exported_vars.add('m_inputs')
    context.vars['m_inputs'] = l_0_m_inputs = Macro(environment, macro, 'm_inputs', ('arch',), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_matmul):
        t_61 = []
        if l_1_matmul is missing:
            l_1_matmul = undefined("parameter 'matmul' was not provided", name='matmul')
        pass
        t_61.extend((
            'Обозначения: $A ',
            str(l_1_matmul),
            ' B$ — матричное произведение, $A \\odot B$ — поэлементное, $A^T$ — транспонирование, $\\left[A > 0\\right]$ — матрица, в которой стоит 1 там, где элемент $A$ положителен, и 0 в остальных местах.',
        ))
        return concat(t_61)
    context.exported_vars.add('m_notation')
    context.vars['m_notation'] = l_0_m_notation = Macro(environment, macro, 'm_notation', ('matmul',), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_at0, l_1_kinds):
        t_62 = []
        l_1_words = missing
        if l_1_at0 is missing:
            l_1_at0 = undefined("parameter 'at0' was not provided", name='at0')
        if l_1_kinds is missing:
            l_1_kinds = undefined("parameter 'kinds' was not provided", name='kinds')
        pass
        l_1_words = {'relu': 'ReLU', 'leaky_relu': 'Leaky ReLU', 'abs': 'модуля'}
        t_62.append(
            'У ',
        )
        l_2_loop = missing
        for l_2_k, l_2_loop in LoopContext(l_1_kinds, undefined):
            _loop_vars = {}
            pass
            t_62.extend((
                str(environment.getitem((undefined(name='words') if l_1_words is missing else l_1_words), l_2_k)),
                str((' и ' if (environment.getattr(l_2_loop, 'revindex') == 2) else (', ' if (not environment.getattr(l_2_loop, 'last')) else ''))),
            ))
        l_2_loop = l_2_k = missing
        t_62.extend((
            ' в нуле излом. В этом выводе индикатор $\\left[z > 0\\right]$ в ',
            str(('их производных' if (t_2(l_1_kinds) > 1) else 'производной')),
            ' при $z = 0$ равен ',
            str(l_1_at0),
            ' (ключ спецификации subgradient: ',
            str(l_1_at0),
            ')',
        ))
        if (l_1_at0 == 0):
            pass
            t_62.append(
                ', как в PyTorch и JAX',
            )
        else:
            pass
            t_62.append(
                '; он записан как $\\left[z \\geq 0\\right]$',
            )
        t_62.append(
            '.',
        )
        return concat(t_62)
    context.exported_vars.add('m_kinks')
    context.vars['m_kinks'] = l_0_m_kinks = Macro(environment, macro, 'm_kinks', ('at0', 'kinds'), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_name, l_1_arch):
        t_63 = []
        l_1_option = resolve('option')
        l_1_format = resolve('format')
        if l_1_name is missing:
            l_1_name = undefined("parameter 'name' was not provided", name='name')
        if l_1_arch is missing:
            l_1_arch = undefined("parameter 'arch' was not provided", name='arch')
        pass
        t_63.extend((
            'Этот вывод построен программой derivgen по спецификации ',
            str(l_1_name),
            ' в компактной форме: каждый слой записан один раз, для одного нейрона с буквенными индексами, а остальные нейроны слоя устроены так же, поэтому документ не растёт с шириной слоёв (derivgen derive ',
            str(context.call((undefined(name='option') if l_1_option is missing else l_1_option), 'full', (undefined(name='format') if l_1_format is missing else l_1_format))),
            ' выписывает все ',
            str(environment.getattr(l_1_arch, 'parameters')),
            ' параметров). Сначала сеть проходится в прямом направлении и записывается функция потерь, затем правило цепочки ведёт от потерь назад к каждому весу и смещению.',
        ))
        return concat(t_63)
    context.exported_vars.add('c_intro')
    context.vars['c_intro'] = l_0_c_intro = Macro(environment, macro, 'c_intro', ('name', 'arch'), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_arch):
        t_64 = []
        if l_1_arch is missing:
            l_1_arch = undefined("parameter 'arch' was not provided", name='arch')
        pass
        if (environment.getattr(l_1_arch, 'inputs') > 1):
            pass
            t_64.extend((
                'На вход подаются ',
                str(environment.getattr(l_1_arch, 'inputs')),
                ' значений $',
                str(environment.getattr(l_1_arch, 'input')),
                '$',
            ))
        else:
            pass
            t_64.append(
                'На вход подаётся одно значение',
            )
        if (environment.getattr(l_1_arch, 'reduction') != 'single'):
            pass
            t_64.extend((
                ' для каждого примера $',
                str(environment.getattr(l_1_arch, 'sample')),
                '$ из $N$',
            ))
        t_64.append(
            '. Далее идут слои:',
        )
        return concat(t_64)
    context.exported_vars.add('c_network')
    context.vars['c_network'] = l_0_c_network = Macro(environment, macro, 'c_network', ('arch',), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_l):
        t_65 = []
        if l_1_l is missing:
            l_1_l = undefined("parameter 'l' was not provided", name='l')
        pass
        if environment.getattr(l_1_l, 'hidden'):
            pass
            t_65.extend((
                'скрытый слой ',
                str(environment.getattr(l_1_l, 'index')),
            ))
        else:
            pass
            t_65.append(
                'выходной слой',
            )
        t_65.extend((
            ': нейронов — ',
            str(environment.getattr(l_1_l, 'units')),
            ', активация ',
            str(environment.getattr(environment.getattr(l_1_l, 'prose'), 'ru')),
        ))
        if environment.getattr(l_1_l, 'alpha'):
            pass
            t_65.extend((
                ' с наклоном $\\alpha = ',
                str(environment.getattr(l_1_l, 'alpha')),
                '$',
            ))
        t_65.extend((
            '; веса $',
            str(environment.getattr(l_1_l, 'weight')),
            '$',
        ))
        if environment.getattr(l_1_l, 'shared'):
            pass
            t_65.extend((
                ', одно смещение $',
                str(environment.getattr(l_1_l, 'bias')),
                '$ на весь слой',
            ))
        elif environment.getattr(l_1_l, 'bias'):
            pass
            t_65.extend((
                ', смещения $',
                str(environment.getattr(l_1_l, 'bias')),
                '$',
            ))
        else:
            pass
            t_65.append(
                ', без смещения',
            )
        t_65.append(
            '.',
        )
        return concat(t_65)
    context.exported_vars.add('c_layer')
    context.vars['c_layer'] = l_0_c_layer = Macro(environment, macro, 'c_layer', ('l',), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_arch):
        t_66 = []
        if l_1_arch is missing:
            l_1_arch = undefined("parameter 'arch' was not provided", name='arch')
        pass
        t_66.append(
            'Все нейроны слоя вычисляют одну и ту же формулу со своими весами, поэтому каждый слой записан один раз, для нейрона $k$',
        )
        if (environment.getattr(l_1_arch, 'reduction') != 'single'):
            pass
            t_66.extend((
                ' и примера $',
                str(environment.getattr(l_1_arch, 'sample')),
                '$',
            ))
        t_66.append(
            '; сумма берётся по нейронам предыдущего слоя:',
        )
        return concat(t_66)
    context.exported_vars.add('c_forward')
    context.vars['c_forward'] = l_0_c_forward = Macro(environment, macro, 'c_forward', ('arch',), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_l):
        t_67 = []
        if l_1_l is missing:
            l_1_l = undefined("parameter 'l' was not provided", name='l')
        pass
        if environment.getattr(l_1_l, 'hidden'):
            pass
            t_67.extend((
                'Скрытый слой ',
                str(environment.getattr(l_1_l, 'index')),
            ))
        else:
            pass
            t_67.append(
                'Выходной слой',
            )
        if (environment.getattr(l_1_l, 'units') > 1):
            pass
            t_67.extend((
                ', нейрон $',
                str(environment.getattr(l_1_l, 'letter')),
                '$, $',
                str(environment.getattr(l_1_l, 'letter')),
                ' = 1, \\ldots, ',
                str(environment.getattr(l_1_l, 'units')),
                '$ (остальные нейроны так же)',
            ))
        t_67.append(
            ':',
        )
        return concat(t_67)
    context.exported_vars.add('c_unit')
    context.vars['c_unit'] = l_0_c_unit = Macro(environment, macro, 'c_unit', ('l',), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_arch):
        t_68 = []
        if l_1_arch is missing:
            l_1_arch = undefined("parameter 'arch' was not provided", name='arch')
        pass
        t_68.append(
            'От потерь назад к первому слою — производная потерь по каждой величине одного нейрона $k$; сумма берётся по нейронам следующего слоя, которые её используют, а функция активации даёт множитель — свою производную:',
        )
        return concat(t_68)
    context.exported_vars.add('c_backward')
    context.vars['c_backward'] = l_0_c_backward = Macro(environment, macro, 'c_backward', ('arch',), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_arch):
        t_69 = []
        if l_1_arch is missing:
            l_1_arch = undefined("parameter 'arch' was not provided", name='arch')
        pass
        t_69.append(
            'Градиент каждого веса и смещения через производные выше',
        )
        if (environment.getattr(l_1_arch, 'reduction') == 'sum'):
            pass
            t_69.append(
                ' с суммой по примерам',
            )
        elif (environment.getattr(l_1_arch, 'reduction') == 'mean'):
            pass
            t_69.append(
                ' (множитель $1/N$ среднего входит вместе с производной на выходе)',
            )
        t_69.append(
            ':',
        )
        return concat(t_69)
    context.exported_vars.add('c_gradients')
    context.vars['c_gradients'] = l_0_c_gradients = Macro(environment, macro, 'c_gradients', ('arch',), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_arch):
        t_70 = []
        if l_1_arch is missing:
            l_1_arch = undefined("parameter 'arch' was not provided", name='arch')
        pass
        t_70.append(
            'Производная по входу:',
        )
        return concat(t_70)
    context.exported_vars.add('c_inputs')
    context.vars['c_inputs'] = l_0_c_inputs = Macro(environment, macro, 'c_inputs', ('arch',), False, False, False, context.eval_ctx.autoescape)

blocks = {}
debug_info = '2=30&3=48&4=68&5=80&6=95&7=104&8=138&9=192&10=209&11=224&12=233&13=244&14=257&15=270&16=279&17=308&18=317&19=330&20=341&21=352&22=361&23=385&24=398&25=439&26=458&27=467&28=476&29=491&30=500&31=511&32=546&33=555&34=568&35=620&36=633&37=642&38=653&39=662&40=671&41=694&42=715&43=737&44=759&45=780&46=801&47=810&48=838&49=847&51=864&52=892&53=909&54=959&55=992&56=1005&57=1014&58=1025&59=1044&60=1055&61=1068&63=1114&64=1135&65=1167&66=1226&67=1247&68=1280&69=1291&70=1315'